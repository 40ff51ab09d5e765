using RlAlign.Policies;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// Chooses actions for one env with a trained policy, one observation at a time: greedy or sampled
/// with its own seeded generator, so that a recorded or evaluated episode is reproducible.
/// </summary>
public sealed class PolicyActor : IDisposable
{
    private readonly ActorCritic _policy;
    private readonly Generator _generator;
    private readonly Tensor _input;

    public PolicyActor(ActorCritic policy, bool deterministic, ulong seed)
    {
        _policy = policy;
        Deterministic = deterministic;
        _generator = new Generator(seed, policy.Device);
        _input = zeros([1, policy.ObservationSize], device: policy.Device);
    }

    public bool Deterministic { get; }

    /// <summary>Writes the action for <paramref name="observation"/> into <paramref name="action"/>.</summary>
    public void Act(ReadOnlySpan<float> observation, Span<float> action)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            HostCopy.FromHost(observation, _input);
            Tensor chosen = Deterministic ? _policy.DeterministicAction(_input) : _policy.GetDistribution(_input).Sample(_generator);
            HostCopy.ToHost(chosen, action);
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _generator.Dispose();
    }
}
