using RlAlign.Policies.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies;

/// <summary>
/// What <see cref="Unroll"/> returns: the action distribution and V(s) at every step of the sequence, and the
/// recurrent memory after its last step ([envs, <see cref="PpoPolicy.MemorySize"/>]).
/// </summary>
public readonly record struct RecurrentOutput(ActionDistribution Distribution, Tensor Value, Tensor Memory);

/// <summary>
/// An actor-critic that PPO trains: flat observation rows in, an action distribution and V(s) out (CleanRL's
/// <c>Agent</c>), optionally with a recurrent memory (CleanRL's ppo_atari_lstm.py <c>get_states</c>). A feed-forward
/// policy has <see cref="MemorySize"/> 0 and ignores the memory arguments.
/// </summary>
public abstract class PpoPolicy : nn.Module
{
    protected PpoPolicy(string name) : base(name)
    {
    }

    /// <summary>The names of the value head's parameters (<c>critic.*</c>); everything else is the trunk and the actor.</summary>
    public const string CriticPrefix = "critic.";

    /// <summary>Floats per observation row (the observation space's flat size).</summary>
    public abstract int ObservationSize { get; }

    /// <summary>Floats per action row (the action space's flat size).</summary>
    public abstract int ActionSize { get; }

    public abstract Device Device { get; }

    /// <summary>Floats of recurrent state per env; 0 for a feed-forward policy.</summary>
    public virtual int MemorySize => 0;

    /// <summary>V(s), shape [batch].</summary>
    public abstract Tensor GetValue(Tensor observations);

    /// <summary>The policy's action distribution at <paramref name="observations"/>.</summary>
    public abstract ActionDistribution GetDistribution(Tensor observations);

    /// <summary>
    /// CleanRL's <c>get_action_and_value</c>: samples an action (with <paramref name="generator"/>) unless
    /// one is given, and returns it with its log-probability, the entropy and V(s).
    /// </summary>
    public abstract ActionAndValue GetActionAndValue(Tensor observations, Tensor? action = null, Generator? generator = null);

    /// <summary>The rollout call: like <see cref="GetActionAndValue"/> without the entropy, which collection does not need.</summary>
    public abstract PolicyStep Act(Tensor observations, Generator? generator = null);

    /// <summary>The greedy action for evaluation: the most likely category, or the Gaussian mean.</summary>
    public virtual Tensor DeterministicAction(Tensor observations) => GetDistribution(observations).Mode();

    /// <summary>
    /// Runs the policy over a sequence: <paramref name="observations"/> are [steps * envs, observation size],
    /// step-major (row <c>t * envs + e</c>); <paramref name="memory"/> [envs, <see cref="MemorySize"/>] is the memory
    /// before step 0; <paramref name="episodeStarts"/> [steps * envs] is 1 where an observation is the first of an
    /// episode, and there the memory is zeroed before the step (CleanRL multiplies the LSTM state by 1 - done).
    /// A feed-forward policy evaluates every row on its own and returns <paramref name="memory"/> as it is.
    /// </summary>
    public virtual RecurrentOutput Unroll(Tensor observations, Tensor memory, Tensor episodeStarts)
        => new(GetDistribution(observations), GetValue(observations), memory);
}
