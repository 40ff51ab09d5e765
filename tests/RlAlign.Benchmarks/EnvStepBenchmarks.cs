using BenchmarkDotNet.Attributes;
using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Vector;

namespace RlAlign.Benchmarks;

/// <summary>
/// Raw environment throughput: one env step (with the registered TimeLimit, resetting on done) and
/// vector env steps of 8 envs, synchronous and threaded. Gymnasium's CartPole steps at roughly
/// 100–200k steps/s per core in Python; compare ratios within one run.
/// </summary>
[MemoryDiagnoser]
public class EnvStepBenchmarks
{
    private const int VectorSize = 8;
    private IEnv _cartPole = null!;
    private IEnv _pendulum = null!;
    private IVectorEnv _sync = null!;
    private IVectorEnv _threaded = null!;
    private readonly float[] _observation = new float[4];
    private readonly float[] _pendulumObservation = new float[3];
    private readonly float[] _action = new float[1];
    private readonly float[] _vectorActions = new float[VectorSize];
    private readonly NumpyGenerator _random = NumpyGenerator.FromSeed(0);

    [GlobalSetup]
    public void Setup()
    {
        _cartPole = Core.Envs.Make("CartPole-v1");
        _cartPole.Reset(_observation, seed: 0);
        _pendulum = Core.Envs.Make("Pendulum-v1");
        _pendulum.Reset(_pendulumObservation, seed: 0);
        _sync = VectorEnvs.Make("CartPole-v1", VectorSize, VectorMode.Sync);
        _sync.Reset(0);
        _threaded = VectorEnvs.Make("CartPole-v1", VectorSize, VectorMode.Threaded);
        _threaded.Reset(0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cartPole.Dispose();
        _pendulum.Dispose();
        _sync.Dispose();
        _threaded.Dispose();
    }

    [Benchmark(Description = "CartPole-v1 step")]
    public void CartPoleStep()
    {
        _action[0] = (float)_random.Integers(0, 2);
        if (_cartPole.Step(_action, _observation).Done) _cartPole.Reset(_observation);
    }

    [Benchmark(Description = "Pendulum-v1 step")]
    public void PendulumStep()
    {
        _action[0] = (float)_random.Uniform(-2, 2);
        if (_pendulum.Step(_action, _pendulumObservation).Done) _pendulum.Reset(_pendulumObservation);
    }

    [Benchmark(Description = "8 × CartPole-v1, SyncVectorEnv step")]
    public void SyncVectorStep()
    {
        for (int i = 0; i < VectorSize; i++) _vectorActions[i] = (float)_random.Integers(0, 2);
        _sync.Step(_vectorActions);
    }

    [Benchmark(Description = "8 × CartPole-v1, ThreadedVectorEnv step")]
    public void ThreadedVectorStep()
    {
        for (int i = 0; i < VectorSize; i++) _vectorActions[i] = (float)_random.Integers(0, 2);
        _threaded.Step(_vectorActions);
    }
}
