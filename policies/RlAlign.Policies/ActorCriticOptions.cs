namespace RlAlign.Policies;

/// <summary>Hidden-layer nonlinearity of an <see cref="ActorCritic"/>'s MLPs.</summary>
public enum Activation { Tanh, Relu }

/// <summary>What an <see cref="ActorCritic"/> reads observations with, before its actor and critic MLPs.</summary>
public enum ObservationEncoder
{
    /// <summary>The flat observation row itself (CleanRL's PPO network).</summary>
    Flat,

    /// <summary>
    /// The common MiniGrid convolutional trunk over the egocentric image (rl-starter-files, BabyAI
    /// baselines): conv 2×2 16 → ReLU → max-pool 2×2 → conv 2×2 32 → ReLU → conv 2×2 64 → ReLU,
    /// shared by the actor and the critic. The image is a rank-3 [width, height, channels] Box, or the
    /// <c>image</c> entry of a Dict observation.
    /// </summary>
    MinigridCnn,
}

/// <summary>Architecture and initialisation of an <see cref="ActorCritic"/>; the defaults are CleanRL's PPO network.</summary>
public sealed record ActorCriticOptions
{
    /// <summary>Widths of the hidden layers, used for both the actor and the critic MLP.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [64, 64];

    public Activation Activation { get; init; } = Activation.Tanh;

    public ObservationEncoder Encoder { get; init; } = ObservationEncoder.Flat;

    /// <summary>Orthogonal-init gain of hidden layers (implementation detail 2).</summary>
    public double HiddenGain { get; init; } = Math.Sqrt(2);

    /// <summary>Orthogonal-init gain of the actor's output layer: small, so the initial policy is near uniform.</summary>
    public double PolicyHeadGain { get; init; } = 0.01;

    /// <summary>Orthogonal-init gain of the critic's output layer.</summary>
    public double ValueHeadGain { get; init; } = 1.0;

    /// <summary>Initial value of the state-independent log standard deviation (Box actions).</summary>
    public double InitialLogStd { get; init; }

    public void Validate()
    {
        if (HiddenSizes.Count == 0) throw new ArgumentException("ActorCritic needs at least one hidden layer (HiddenSizes is empty).");
        foreach (int size in HiddenSizes)
            if (size <= 0) throw new ArgumentException($"ActorCritic hidden sizes must be > 0, got [{string.Join(", ", HiddenSizes)}].");
    }

    // Records compare lists by reference; two options with the same sizes are the same architecture.
    public bool Equals(ActorCriticOptions? other)
        => other is not null && HiddenSizes.SequenceEqual(other.HiddenSizes) && Activation == other.Activation && Encoder == other.Encoder
           && HiddenGain == other.HiddenGain && PolicyHeadGain == other.PolicyHeadGain
           && ValueHeadGain == other.ValueHeadGain && InitialLogStd == other.InitialLogStd;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int size in HiddenSizes) hash.Add(size);
        hash.Add(Activation);
        hash.Add(Encoder);
        hash.Add(HiddenGain);
        hash.Add(PolicyHeadGain);
        hash.Add(ValueHeadGain);
        hash.Add(InitialLogStd);
        return hash.ToHashCode();
    }
}
