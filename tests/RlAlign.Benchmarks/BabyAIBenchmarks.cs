using BenchmarkDotNet.Attributes;
using RlAlign.Core;
using RlAlign.Core.Random;

namespace RlAlign.Benchmarks;

/// <summary>
/// BabyAI levels: a step of BossLevel (the verifier of an instruction of up to eight clauses runs every step) and of
/// GoToLocal (one clause), random actions, resetting on done; and a BossLevel reset (layout, rejection sampling, instruction).
/// </summary>
[MemoryDiagnoser]
public class BabyAIBenchmarks
{
    private IEnv _boss = null!;
    private IEnv _goToLocal = null!;
    private float[] _bossObservation = null!;
    private float[] _goToLocalObservation = null!;
    private readonly float[] _action = new float[1];
    private readonly NumpyGenerator _random = NumpyGenerator.FromSeed(0);
    private ulong _seed;

    [GlobalSetup]
    public void Setup()
    {
        _boss = Core.Envs.Make("BabyAI-BossLevel-v0");
        _bossObservation = new float[_boss.ObservationSpace.FlatSize];
        _boss.Reset(_bossObservation, seed: 0);
        _goToLocal = Core.Envs.Make("BabyAI-GoToLocal-v0");
        _goToLocalObservation = new float[_goToLocal.ObservationSpace.FlatSize];
        _goToLocal.Reset(_goToLocalObservation, seed: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _boss.Dispose();
        _goToLocal.Dispose();
    }

    [Benchmark(Description = "BabyAI-BossLevel-v0 step")]
    public void BossLevelStep()
    {
        _action[0] = (float)_random.Integers(0, 7);
        if (_boss.Step(_action, _bossObservation).Done) _boss.Reset(_bossObservation);
    }

    [Benchmark(Description = "BabyAI-GoToLocal-v0 step")]
    public void GoToLocalStep()
    {
        _action[0] = (float)_random.Integers(0, 7);
        if (_goToLocal.Step(_action, _goToLocalObservation).Done) _goToLocal.Reset(_goToLocalObservation);
    }

    [Benchmark(Description = "BabyAI-BossLevel-v0 reset")]
    public void BossLevelReset() => _boss.Reset(_bossObservation, _seed++);
}
