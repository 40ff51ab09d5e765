using RlAlign.Algorithms.Imitation;
using RlAlign.Core.Spaces;
using RlAlign.Policies;
using RlAlign.Policies.Language;
using TorchSharp;

namespace RlAlign.Algorithms;

/// <summary>Builds the network a <see cref="PpoConfig"/> describes, and starts a BabyAI policy from a behaviour-cloned one.</summary>
public static class PpoPolicies
{
    /// <summary>
    /// The config's network for an env's spaces, initial weights from <paramref name="generator"/>; with
    /// <see cref="PpoConfig.InitFrom"/>, the BabyAI policy's trunk and actor are then copied from that checkpoint.
    /// </summary>
    public static PpoPolicy Create(PpoConfig config, Space observationSpace, Space actionSpace, torch.Generator? generator)
    {
        if (config.Policy == PolicyArchitecture.ActorCritic)
            return ActorCritic.Create(observationSpace, actionSpace, config.PolicyOptions, generator);
        var policy = new BabyAIPolicy(observationSpace, actionSpace, config.BabyAIOptions, generator);
        try
        {
            if (config.InitFrom is { } path) InitializeFromBehaviorCloning(policy, path, config.EnvId);
            return policy;
        }
        catch
        {
            policy.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the mission encoder, image trunk and actor of the behaviour-cloning checkpoint at <paramref name="path"/>
    /// into <paramref name="policy"/> (its critic is left as it is: BC trains no value head). The checkpoint must hold a
    /// BabyAI policy cloned on <paramref name="envId"/> with the same options; otherwise a <see cref="CheckpointException"/> says what differs.
    /// </summary>
    public static void InitializeFromBehaviorCloning(BabyAIPolicy policy, string path, string envId)
    {
        CheckInitFrom(path, envId, policy.Options);
        (BabyAIPolicy cloned, _, _) = BehaviorCloning.LoadPolicy(path);
        using (cloned)
        {
            if (cloned.ObservationSize != policy.ObservationSize || cloned.ActionCount != policy.ActionCount)
                throw new CheckpointException(path, $"holds a policy for {cloned.ObservationSize} observation values and {cloned.ActionCount} actions; this env has {policy.ObservationSize} and {policy.ActionCount}.");
            policy.CopyTrunkAndActorFrom(cloned);
        }
    }

    /// <summary>
    /// Checks, from its header alone, that <see cref="PpoConfig.InitFrom"/> (if set) is a behaviour-cloning checkpoint
    /// of this env and network, so that a bad path is reported before a run starts.
    /// </summary>
    public static void CheckInitFrom(PpoConfig config)
    {
        if (config.InitFrom is { } path) CheckInitFrom(path, config.EnvId, config.BabyAIOptions);
    }

    private static void CheckInitFrom(string path, string envId, BabyAIPolicyOptions options)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"init_from: the behaviour-cloning checkpoint '{path}' does not exist (train one with an `algo: bc` experiment; it is the run's checkpoints/final.ckpt).", path);
        string clonedEnv;
        BabyAIPolicyOptions clonedOptions;
        try
        {
            (clonedEnv, _, clonedOptions) = BehaviorCloning.ReadPolicyHeader(path);
        }
        catch (Exception e) when (e is CheckpointException or EndOfStreamException or InvalidDataException)
        {
            throw new CheckpointException(path, $"cannot start the policy (init_from needs a behaviour-cloning checkpoint of a BabyAI policy): {e.Message}", e);
        }
        if (clonedEnv != envId)
            throw new CheckpointException(path, $"holds a policy cloned on '{clonedEnv}', but this run trains on '{envId}' (init_from needs the same env).");
        string differences = OptionDifferences(clonedOptions, options);
        if (differences.Length > 0)
            throw new CheckpointException(path, $"holds a BabyAI policy that differs from this run's ({differences}); set these to match the checkpoint.");
    }

    /// <summary>The BabyAI policy settings in which a checkpoint's policy differs from this run's, by their YAML names ("" when none).</summary>
    internal static string OptionDifferences(BabyAIPolicyOptions saved, BabyAIPolicyOptions current)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T savedValue, T currentValue)
        {
            if (!EqualityComparer<T>.Default.Equals(savedValue, currentValue))
                differences.Add($"{name}: checkpoint {Format(savedValue)}, this run {Format(currentValue)}");
        }

        Compare("mission_encoder", saved.MissionEncoder, current.MissionEncoder);
        Compare("word_size", saved.WordSize, current.WordSize);
        Compare("channels", saved.Channels, current.Channels);
        Compare("film_layers", saved.FilmLayers, current.FilmLayers);
        Compare("head_size", saved.HeadSize, current.HeadSize);
        Compare("memory", saved.Memory, current.Memory);
        return string.Join("; ", differences);
    }

    private static string Format<T>(T value) => value is Enum ? value.ToString()!.ToLowerInvariant() : $"{value}";
}
