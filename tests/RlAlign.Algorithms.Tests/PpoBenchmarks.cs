using System.Diagnostics;

namespace RlAlign.Algorithms.Tests;

/// <summary>Throughput checks, run on demand: <c>dotnet test -c Release --filter "Category=Benchmark"</c>.</summary>
[Explicit("benchmark: run on demand")]
[Category("Benchmark")]
public sealed class PpoBenchmarks
{
    [Test]
    public void CartPoleStepsPerSecondWithCleanRlDefaults()
    {
        // CleanRL's ppo.py defaults (4 envs x 128 steps, 4 epochs x 4 minibatches), 100 iterations after 5 of warm-up.
        const int warmUp = 5, measured = 100;
        using var trainer = new PpoTrainer(new PpoConfig { TotalTimesteps = (warmUp + measured) * 512L });
        for (int i = 0; i < warmUp; i++) trainer.RunIteration();

        long startStep = trainer.GlobalStep;
        var stopwatch = Stopwatch.StartNew();
        trainer.Train();
        stopwatch.Stop();

        double stepsPerSecond = (trainer.GlobalStep - startStep) / stopwatch.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"PPO CartPole-v1 (CleanRL defaults): {stepsPerSecond:F0} SPS over {trainer.GlobalStep - startStep} steps ({stopwatch.Elapsed.TotalSeconds:F2} s)");
        Assert.That(stepsPerSecond, Is.GreaterThan(0));
    }
}
