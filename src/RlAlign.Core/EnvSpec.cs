namespace RlAlign.Core;

/// <summary>A registry entry, as Gymnasium's <c>EnvSpec</c>: the id, how to build it and its time limit.</summary>
public sealed record EnvSpec(
    string Id,
    Func<EnvOptions, IEnv> Create,
    int? MaxEpisodeSteps = null,
    double? RewardThreshold = null,
    string Description = "")
{
    /// <summary>Options (Gymnasium's kwargs) this entry passes to <see cref="Create"/> unless the caller overrides them.</summary>
    public IReadOnlyDictionary<string, object?> DefaultOptions { get; init; } = new Dictionary<string, object?>();
}

/// <summary>
/// Implemented by a class in each environment assembly to add its ids to <see cref="Envs"/>.
/// The registry finds implementations in loaded assemblies and in <c>RlAlign.Envs.*.dll</c> beside the app.
/// </summary>
public interface IEnvRegistrar
{
    void Register(EnvRegistry registry);
}
