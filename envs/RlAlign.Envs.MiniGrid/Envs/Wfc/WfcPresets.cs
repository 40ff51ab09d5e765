using RlAlign.Envs.MiniGrid.Wfc;

namespace RlAlign.Envs.MiniGrid;

/// <summary>
/// Minigrid's registered WFC presets (<c>WFC_PRESETS</c> in <c>minigrid/envs/wfc/config.py</c>) with their
/// pattern widths and periodicity.
/// </summary>
/// <remarks>
/// Provenance of the images: Minigrid's source images (<c>patterns/*.png</c>, from mxgmn's
/// WaveFunctionCollapse samples) are binary files that could not be obtained when this was ported, so each
/// preset here carries a small black-and-white stand-in drawn for this port in the spirit of the original
/// (corridors, scaled corridors, rooms, dots, angular and rounded obstacles). Levels therefore differ from
/// Python's for these ids. Everything downstream of the image is Minigrid's algorithm: give the original
/// PNG with the env option <c>pattern_path</c> (or <c>preset.WithPattern(WfcPatternImage.Load(path))</c>)
/// to get Python's levels.
/// </remarks>
public static class WfcPresets
{
    /// <summary>Stand-in for <c>SimpleMaze.png</c>: one-cell corridors between one-cell walls.</summary>
    public static WfcConfig MazeSimple { get; } = new("MazeSimple", WfcPatternImage.FromRows(
        "#.######",
        "#.#....#",
        "#.#.##.#",
        "#...#..#",
        "###.#.##",
        "#...#...",
        "#.###.#.",
        "#.....#."), patternWidth: 2);

    /// <summary>Stand-in for <c>ScaledMaze.png</c>: a maze drawn at twice the scale.</summary>
    public static WfcConfig DungeonMazeScaled { get; } = new("DungeonMazeScaled", WfcPatternImage.FromRows(
        "##..######..",
        "##..######..",
        "##..........",
        "##..........",
        "##..##..####",
        "##..##..####",
        "......##....",
        "......##....",
        "####..##..##",
        "####..##..##",
        "##........##",
        "##........##"), patternWidth: 2, outputPeriodic: true, inputPeriodic: true);

    /// <summary>Stand-in for <c>Fabric.png</c>: rooms joined by doorways.</summary>
    public static WfcConfig RoomsFabric { get; } = new("RoomsFabric", WfcPatternImage.FromRows(
        "##########",
        "#....#...#",
        "#....#...#",
        "#........#",
        "#....#...#",
        "###.####.#",
        "#....#...#",
        "#........#",
        "#....#...#",
        "##########"), patternWidth: 3);

    /// <summary>Stand-in for <c>Blackdots.png</c>: single wall cells scattered over open floor.</summary>
    public static WfcConfig ObstaclesBlackdots { get; } = new("ObstaclesBlackdots", WfcPatternImage.FromRows(
        "........",
        ".#......",
        "....#...",
        "........",
        "......#.",
        "..#.....",
        "........",
        "....#..."), patternWidth: 2);

    /// <summary>Stand-in for <c>Angular.png</c>: L-shaped and bar obstacles.</summary>
    public static WfcConfig ObstaclesAngular { get; } = new("ObstaclesAngular", WfcPatternImage.FromRows(
        "..........",
        ".###......",
        ".#........",
        ".#....#...",
        "......#...",
        "....###...",
        "..........",
        ".......##.",
        "..#.......",
        ".........."), patternWidth: 3, outputPeriodic: true, inputPeriodic: true);

    /// <summary>Stand-in for <c>Hogs.png</c>: rounded wall blobs.</summary>
    public static WfcConfig ObstaclesHogs3 { get; } = new("ObstaclesHogs3", WfcPatternImage.FromRows(
        "..........",
        "..##......",
        ".####.....",
        ".####..#..",
        "..##..###.",
        "......###.",
        ".......#..",
        "..#.......",
        ".###......",
        "..#......."), patternWidth: 3, outputPeriodic: true, inputPeriodic: true);

    /// <summary>Every registered preset, in Minigrid's order.</summary>
    public static IReadOnlyList<WfcConfig> All { get; } =
        [MazeSimple, DungeonMazeScaled, RoomsFabric, ObstaclesBlackdots, ObstaclesAngular, ObstaclesHogs3];

    /// <summary>The preset called <paramref name="name"/> (Python's <c>WFC_PRESETS[name]</c>).</summary>
    public static WfcConfig Get(string name)
    {
        foreach (WfcConfig config in All)
            if (config.Name == name) return config;
        throw new ArgumentException($"Unknown WFC preset '{name}'; the registered ones are {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));
    }
}
