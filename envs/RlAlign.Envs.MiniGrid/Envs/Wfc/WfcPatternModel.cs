namespace RlAlign.Envs.MiniGrid.Wfc;

/// <summary>
/// The overlapping-model input of Minigrid's WFC (<c>wfclogic/tiles.py</c>, <c>patterns.py</c>,
/// <c>adjacency.py</c>): the pattern image cut into 1×1 tiles, every k×k pattern of the image and of its
/// seven rotations/reflections, how often each occurs, and which patterns may sit next to which.
/// </summary>
/// <remarks>
/// Python names tiles and patterns by <c>hash_downto</c>, an int64 dot product with weights drawn from
/// <c>RandomState(0)</c>, and numbers patterns in the sorted order of those hashes (<c>np.unique</c>). The
/// solver's random choices index patterns by that number, so the hashes are reproduced bit for bit here.
/// </remarks>
internal sealed class WfcPatternModel
{
    /// <summary>
    /// <c>np.random.RandomState(0).randint(1 - 2**63, 2**63, n, dtype=np.int64)</c>: each value is one 64-bit
    /// draw, so shorter requests are prefixes of this one (checked with NumPy 1.24).
    /// </summary>
    internal static readonly long[] HashWeights =
    [
        900450186894289456, 3969543146641149121, 1895649597198586620, 827948490035658088,
        -1408320422220276012, 2691271404617651955, -1151312763198686632, 7226936298635050457,
        8553068346248842637,
    ];

    /// <summary>Python's <c>direction_offsets</c>, as (first, second) offsets: (0, -1), (1, 0), (0, 1), (-1, 0).</summary>
    internal static readonly (int First, int Second)[] Directions = [(0, -1), (1, 0), (0, 1), (-1, 0)];

    private WfcPatternModel(long[] codes, double[] weights, bool[] topLeftIsWall, ulong[] compatible)
    {
        Codes = codes;
        Weights = weights;
        TopLeftIsWall = topLeftIsWall;
        Count = codes.Length;
        Words = (Count + 63) / 64;
        _compatible = compatible;
    }

    private readonly ulong[] _compatible;

    /// <summary>Pattern hashes in ascending order: pattern <c>i</c> is <c>Codes[i]</c>, as Python's <c>encode_patterns</c>.</summary>
    public long[] Codes { get; }

    /// <summary>In how many of the eight orientations of the image each pattern occurs (Python's <c>pattern_weights</c>).</summary>
    public double[] Weights { get; }

    /// <summary>Whether the output pixel a pattern stands for (its top-left tile) reads as a wall: red channel 0.</summary>
    public bool[] TopLeftIsWall { get; }

    public int Count { get; }

    /// <summary>Length in 64-bit words of a bit set over the patterns.</summary>
    public int Words { get; }

    /// <summary>
    /// Bits of the patterns allowed at offset <see cref="Directions"/>[<paramref name="direction"/>] from
    /// <paramref name="pattern"/> (row <c>pattern</c> of Python's <c>adjacency_matrix[d]</c>).
    /// </summary>
    public ReadOnlySpan<ulong> Compatible(int direction, int pattern)
        => _compatible.AsSpan((direction * Count + pattern) * Words, Words);

    /// <summary>Builds the model as <c>execute_wfc</c> does for a tile size of 1 and the given orientation count.</summary>
    public static WfcPatternModel Build(WfcPatternImage image, int patternWidth, int rotations = 8)
    {
        if (patternWidth is < 1 or > 3)
            throw new ArgumentOutOfRangeException(nameof(patternWidth), patternWidth, "WFC pattern_width must be 1, 2 or 3.");
        if (rotations is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(rotations), rotations, "WFC rotations must be between 1 and 8.");

        long[,] tileGrid = TileCodes(image, out Dictionary<long, bool> tileIsWall);

        // make_pattern_catalog_with_rotations: the grid is transformed cumulatively, and each unique pattern
        // counts once per orientation it appears in.
        var contents = new Dictionary<long, long[,]>();
        var frequency = new Dictionary<long, int>();
        Func<long[,], long[,]>[] operations = [g => g, FlipLeftRight, RotateClockwise, FlipLeftRight, RotateClockwise, FlipLeftRight, RotateClockwise, FlipLeftRight];
        long[,] grid = tileGrid;
        for (int step = 0; step < rotations; step++)
        {
            grid = operations[step](grid);
            (long[] codes, long[][,] patterns, _) = UniquePatterns(grid, patternWidth);
            for (int i = 0; i < codes.Length; i++)
            {
                contents[codes[i]] = patterns[i];
                frequency[codes[i]] = frequency.GetValueOrDefault(codes[i]) + 1;
            }
        }

        long[] sorted = [.. contents.Keys];
        Array.Sort(sorted);
        int count = sorted.Length;
        var weights = new double[count];
        var topLeftIsWall = new bool[count];
        var patternsByIndex = new long[count][,];
        for (int i = 0; i < count; i++)
        {
            weights[i] = frequency[sorted[i]];
            patternsByIndex[i] = contents[sorted[i]];
            topLeftIsWall[i] = tileIsWall[patternsByIndex[i][0, 0]];
        }

        int words = (count + 63) / 64;
        var compatible = new ulong[Directions.Length * count * words];
        for (int d = 0; d < Directions.Length; d++)
        {
            // adjacency_extraction reads the direction as (column offset, row offset).
            (int dx, int dy) = Directions[d];
            for (int p = 0; p < count; p++)
            {
                Span<ulong> row = compatible.AsSpan((d * count + p) * words, words);
                for (int q = 0; q < count; q++)
                    if (Overlaps(patternsByIndex[p], patternsByIndex[q], dx, dy)) row[q >> 6] |= 1UL << (q & 63);
            }
        }
        return new WfcPatternModel(sorted, weights, topLeftIsWall, compatible);
    }

    /// <summary>
    /// <c>make_tile_catalog</c> for 1×1 tiles: each pixel's hash over its three channels, laid out
    /// [row, column]; also whether each tile reads as a wall (WFCEnv: red channel 0).
    /// </summary>
    internal static long[,] TileCodes(WfcPatternImage image, out Dictionary<long, bool> tileIsWall)
    {
        var grid = new long[image.Height, image.Width];
        tileIsWall = [];
        for (int row = 0; row < image.Height; row++)
        {
            for (int column = 0; column < image.Width; column++)
            {
                (byte r, byte g, byte b) = image[row, column];
                long code = unchecked(r * HashWeights[0] + g * HashWeights[1] + b * HashWeights[2]);
                grid[row, column] = code;
                tileIsWall[code] = r == 0;
            }
        }
        return grid;
    }

    /// <summary>
    /// <c>unique_patterns_2d</c>: every k×k window of the grid, wrapping past the right and bottom edges (Python
    /// wraps whether or not the input is declared periodic), hashed; returns the distinct hashes in ascending
    /// order with the first window of each, and the hash of every window.
    /// </summary>
    internal static (long[] Codes, long[][,] Patterns, long[,] PatchCodes) UniquePatterns(long[,] grid, int k)
    {
        int rows = grid.GetLength(0), columns = grid.GetLength(1);
        var patchCodes = new long[rows, columns];
        var first = new Dictionary<long, (int Row, int Column)>();
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                long code = 0;
                for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++)
                        code = unchecked(code + grid[(row + a) % rows, (column + b) % columns] * HashWeights[a * k + b]);
                patchCodes[row, column] = code;
                first.TryAdd(code, (row, column));
            }
        }

        long[] codes = [.. first.Keys];
        Array.Sort(codes);
        var patterns = new long[codes.Length][,];
        for (int i = 0; i < codes.Length; i++)
        {
            (int row, int column) = first[codes[i]];
            var pattern = new long[k, k];
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                    pattern[a, b] = grid[(row + a) % rows, (column + b) % columns];
            patterns[i] = pattern;
        }
        return (codes, patterns, patchCodes);
    }

    /// <summary>
    /// <c>is_valid_overlap_xy</c>: <paramref name="second"/> shifted by <paramref name="dx"/> columns and
    /// <paramref name="dy"/> rows agrees with <paramref name="first"/> wherever the two overlap.
    /// </summary>
    internal static bool Overlaps(long[,] first, long[,] second, int dx, int dy)
    {
        int k = first.GetLength(0);
        for (int row = Math.Max(0, dy); row < Math.Min(k, k + dy); row++)
            for (int column = Math.Max(0, dx); column < Math.Min(k, k + dx); column++)
                if (first[row, column] != second[row - dy, column - dx]) return false;
        return true;
    }

    /// <summary><c>np.fliplr</c>.</summary>
    internal static long[,] FlipLeftRight(long[,] grid)
    {
        int rows = grid.GetLength(0), columns = grid.GetLength(1);
        var result = new long[rows, columns];
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
                result[row, column] = grid[row, columns - 1 - column];
        return result;
    }

    /// <summary><c>np.rot90(grid, axes=(1, 0))</c>: a quarter turn clockwise.</summary>
    internal static long[,] RotateClockwise(long[,] grid)
    {
        int rows = grid.GetLength(0), columns = grid.GetLength(1);
        var result = new long[columns, rows];
        for (int row = 0; row < columns; row++)
            for (int column = 0; column < rows; column++)
                result[row, column] = grid[rows - 1 - column, row];
        return result;
    }
}
