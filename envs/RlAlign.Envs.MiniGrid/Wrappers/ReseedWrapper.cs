using RlAlign.Core;
using RlAlign.Core.Wrappers;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>ReseedWrapper</c>: every reset uses the next seed of a fixed list, cycling, so the env only
/// ever shows those layouts. A seed passed to <c>Reset</c> is ignored (Python warns and ignores it).
/// </summary>
public sealed class ReseedWrapper : Wrapper
{
    private readonly ulong[] _seeds;

    /// <param name="seeds">The seeds to cycle through; Minigrid's default is (0,).</param>
    /// <param name="seedIndex">Which seed the first reset uses.</param>
    public ReseedWrapper(IEnv env, IEnumerable<ulong>? seeds = null, int seedIndex = 0) : base(env)
    {
        _seeds = seeds?.ToArray() ?? [0];
        if (_seeds.Length == 0) throw new ArgumentException("ReseedWrapper needs at least one seed.", nameof(seeds));
        if (seedIndex < 0 || seedIndex >= _seeds.Length)
            throw new ArgumentOutOfRangeException(nameof(seedIndex), $"ReseedWrapper seed_idx {seedIndex} is outside the {_seeds.Length} seeds.");
        SeedIndex = seedIndex;
    }

    public IReadOnlyList<ulong> Seeds => _seeds;

    /// <summary>The index of the seed the next reset uses.</summary>
    public int SeedIndex { get; private set; }

    public override void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        ulong next = _seeds[SeedIndex];
        SeedIndex = (SeedIndex + 1) % _seeds.Length;
        Env.Reset(observation, next, options);
    }

    protected override void SaveOwnState(BinaryWriter writer) => writer.Write(SeedIndex);

    protected override void LoadOwnState(BinaryReader reader)
    {
        int index = reader.ReadInt32();
        if (index < 0 || index >= _seeds.Length)
            throw new InvalidDataException($"ReseedWrapper: the saved seed index {index} is outside the {_seeds.Length} seeds.");
        SeedIndex = index;
    }
}
