using RlAlign.Core;
using RlAlign.Core.Spaces;
using RlAlign.Core.Vector;
using RlAlign.Core.Wrappers;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

/// <summary>Collects every metric a trainer reports.</summary>
internal sealed class RecordingSink : IMetricsSink
{
    public List<(string Name, double Value, long Step)> Entries { get; } = [];

    public void Add(string name, double value, long step) => Entries.Add((name, value, step));

    public IReadOnlyList<double> Values(string name) => Entries.Where(e => e.Name == name).Select(e => e.Value).ToArray();
}

/// <summary>Passes everything through but reports NaN rewards from its <c>nanFromStep</c>-th step on (to provoke non-finite losses).</summary>
internal sealed class NanRewardAfter(IEnv env, int nanFromStep) : Wrapper(env)
{
    private int _steps;

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        return ++_steps >= nanFromStep ? result with { Reward = double.NaN } : result;
    }

    protected override void SaveOwnState(BinaryWriter writer) => writer.Write(_steps);

    protected override void LoadOwnState(BinaryReader reader) => _steps = reader.ReadInt32();
}

/// <summary>Forwards to an env but is not <see cref="IStateful"/>, so a checkpoint of a chain containing it fails while being written.</summary>
internal sealed class NotStateful(IEnv env) : IEnv
{
    public Space ObservationSpace => env.ObservationSpace;
    public Space ActionSpace => env.ActionSpace;
    public EnvSpec? Spec { get => env.Spec; set => env.Spec = value; }
    public IEnv Unwrapped => env.Unwrapped;
    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null) => env.Reset(observation, seed, options);
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => env.Step(action, observation);
    public void Dispose() => env.Dispose();
}

internal static class TestConfigs
{
    /// <summary>CartPole with CleanRL's discrete defaults, scaled down to a few small iterations.</summary>
    public static PpoConfig SmallCartPole(int iterations = 4, int numEnvs = 2, int numSteps = 32) => new()
    {
        NumEnvs = numEnvs,
        NumSteps = numSteps,
        TotalTimesteps = iterations * numEnvs * numSteps,
        NumMinibatches = 2,
        UpdateEpochs = 2,
    };

    /// <summary>Pendulum with the continuous defaults (all wrappers), scaled down.</summary>
    public static PpoConfig SmallPendulum(int iterations = 4) => PpoConfig.ContinuousDefaults with
    {
        NumEnvs = 2,
        NumSteps = 64,
        TotalTimesteps = iterations * 2 * 64,
        NumMinibatches = 4,
        UpdateEpochs = 2,
    };

    public static IVectorEnv MakeEnvs(PpoConfig config, Func<IEnv, IEnv> inner, EnvOptions? options = null)
        => VectorEnvs.Make(config.EnvId, config.NumEnvs, config.VectorMode, options, env => PpoEnvs.Wrap(inner(env), config));
}

internal static class TensorAssert
{
    /// <summary>Every parameter of a module, as raw bytes keyed by name, for bitwise comparisons.</summary>
    public static Dictionary<string, byte[]> ParameterBytes(nn.Module module)
        => module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().contiguous().bytes.ToArray());

    public static float[] ToArray(Tensor tensor) => tensor.detach().cpu().contiguous().to(ScalarType.Float32).data<float>().ToArray();
}

/// <summary>Process settings for every test, as the CLI makes them before libtorch is loaded: MKL's feature-chosen kernels on AMD CPUs.</summary>
[SetUpFixture]
public sealed class TorchSettings
{
    [OneTimeSetUp]
    public void Apply() => Policies.TorchRuntime.UseMklFeatureKernelsOnAmd();
}
