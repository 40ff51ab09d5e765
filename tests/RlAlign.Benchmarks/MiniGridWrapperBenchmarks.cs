using BenchmarkDotNet.Attributes;
using RlAlign.Core;
using RlAlign.Core.Random;

namespace RlAlign.Benchmarks;

/// <summary>
/// One MiniGrid-DoorKey-5x5-v0 step (random action, resetting on done) bare and under Minigrid's
/// observation wrappers, to show what each wrapper adds to a step.
/// </summary>
[MemoryDiagnoser]
public class MiniGridWrapperBenchmarks
{
    private IEnv _env = null!;
    private float[] _observation = null!;
    private readonly float[] _action = new float[1];
    private readonly NumpyGenerator _random = NumpyGenerator.FromSeed(0);

    /// <summary>The <c>wrappers</c> env option; empty for the bare env.</summary>
    [Params("", "FullyObs, FlatObs", "OneHotPartialObs", "RGBImgPartialObs", "RGBImgObs")]
    public string Wrappers { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var options = new EnvOptions();
        if (Wrappers.Length > 0) options["wrappers"] = Wrappers;
        _env = Core.Envs.Make("MiniGrid-DoorKey-5x5-v0", options);
        _observation = new float[_env.ObservationSpace.FlatSize];
        _env.Reset(_observation, seed: 0);
    }

    [GlobalCleanup]
    public void Cleanup() => _env.Dispose();

    [Benchmark(Description = "DoorKey-5x5 step")]
    public void Step()
    {
        _action[0] = (float)_random.Integers(0, 7);
        if (_env.Step(_action, _observation).Done) _env.Reset(_observation);
    }
}
