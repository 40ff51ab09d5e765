using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Wrappers;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>StochasticActionWrapper</c>: each action is kept with probability <c>prob</c>; otherwise it is
/// replaced by <c>random_action</c> or, without one, by <c>env.np_random.integers(0, 6)</c> (the env's own
/// generator, so the draw shifts the env's later random numbers exactly as in Python).
/// </summary>
/// <remarks>
/// Python draws the keep-or-replace coin from numpy's global generator; here it comes from this wrapper's
/// own generator, seeded by <c>seed</c> (from the OS when null) and saved with the env's state, so runs
/// are reproducible.
/// </remarks>
public sealed class StochasticActionWrapper : ActionWrapper
{
    private readonly MiniGridEnv _env;
    private readonly NumpyGenerator _coin;

    public StochasticActionWrapper(IEnv env, double prob = 0.9, int? randomAction = null, ulong? seed = null) : base(env)
    {
        if (!(prob is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(prob), prob, "StochasticActionWrapper: prob must be in [0, 1].");
        if (randomAction is < 0 or > (int)MiniGridAction.Done)
            throw new ArgumentOutOfRangeException(nameof(randomAction), randomAction, "StochasticActionWrapper: random_action must be a MiniGrid action 0..6.");
        _env = MiniGridObservation.Unwrap(env, nameof(StochasticActionWrapper));
        _coin = NumpyGenerator.FromSeed(seed ?? (ulong)System.Random.Shared.NextInt64());
        Prob = prob;
        RandomAction = randomAction;
    }

    public double Prob { get; }
    public int? RandomAction { get; }

    protected override void Action(ReadOnlySpan<float> action, Span<float> destination)
    {
        if (_coin.Random() < Prob)
        {
            action.CopyTo(destination);
            return;
        }
        destination[0] = RandomAction
            ?? (_env.Generator ?? throw new InvalidOperationException("StochasticActionWrapper: call Reset before Step.")).Integers(0, 6);
    }

    protected override void SaveOwnState(BinaryWriter writer) => _coin.SaveState(writer);

    protected override void LoadOwnState(BinaryReader reader) => _coin.LoadState(reader);
}
