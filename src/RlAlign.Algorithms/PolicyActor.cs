using RlAlign.Policies;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// Chooses actions for one env with a trained policy, one observation at a time: greedy or sampled
/// with its own seeded generator, so that a recorded or evaluated episode is reproducible. A policy with
/// memory carries it from step to step; call <see cref="StartEpisode"/> after each reset.
/// </summary>
public sealed class PolicyActor : IDisposable
{
    private readonly PpoPolicy _policy;
    private readonly Generator _generator;
    private readonly Tensor _input;
    private readonly Tensor? _memory;
    private readonly Tensor? _episodeStart;

    public PolicyActor(PpoPolicy policy, bool deterministic, ulong seed)
    {
        _policy = policy;
        Deterministic = deterministic;
        _generator = new Generator(seed, policy.Device);
        _input = zeros([1, policy.ObservationSize], device: policy.Device);
        if (policy.MemorySize > 0)
        {
            _memory = zeros([1, policy.MemorySize], device: policy.Device);
            _episodeStart = ones([1], device: policy.Device);
        }
    }

    public bool Deterministic { get; }

    /// <summary>Forgets the memory of the previous episode (a no-op for a feed-forward policy).</summary>
    public void StartEpisode() => _episodeStart?.fill_(1);

    /// <summary>Writes the action for <paramref name="observation"/> into <paramref name="action"/>.</summary>
    public void Act(ReadOnlySpan<float> observation, Span<float> action)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            HostCopy.FromHost(observation, _input);
            Tensor chosen;
            if (_memory is null)
            {
                chosen = Deterministic ? _policy.DeterministicAction(_input) : _policy.GetDistribution(_input).Sample(_generator);
            }
            else
            {
                RecurrentOutput output = _policy.Unroll(_input, _memory, _episodeStart!);
                chosen = Deterministic ? output.Distribution.Mode() : output.Distribution.Sample(_generator);
                _memory.copy_(output.Memory);
                _episodeStart!.zero_();
            }
            HostCopy.ToHost(chosen, action);
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _memory?.Dispose();
        _episodeStart?.Dispose();
        _generator.Dispose();
    }
}
