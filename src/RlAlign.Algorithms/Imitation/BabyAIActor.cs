using RlAlign.Policies.Distributions;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Imitation;

/// <summary>
/// Chooses actions for one env with a <see cref="BabyAIPolicy"/>, one flat observation at a time: greedy (argmax)
/// or sampled with its own seeded generator, so that an evaluated or recorded episode is reproducible.
/// </summary>
public sealed class BabyAIActor : IDisposable
{
    private readonly BabyAIPolicy _policy;
    private readonly Generator _generator;
    private readonly Tensor _input;

    public BabyAIActor(BabyAIPolicy policy, bool greedy, ulong seed)
    {
        _policy = policy;
        Greedy = greedy;
        _generator = new Generator(seed, policy.Device);
        _input = zeros([1, policy.ObservationSize], device: policy.Device);
        policy.eval();
    }

    public bool Greedy { get; }

    /// <summary>Writes the action for <paramref name="observation"/> into <paramref name="action"/> (one value).</summary>
    public void Act(ReadOnlySpan<float> observation, Span<float> action)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            HostCopy.FromHost(observation, _input);
            Tensor logits = _policy.forward(_input).Logits;
            Tensor chosen = Greedy ? logits.argmax(1).to(ScalarType.Float32) : new Categorical(logits).Sample(_generator);
            HostCopy.ToHost(chosen, action);
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _generator.Dispose();
    }
}
