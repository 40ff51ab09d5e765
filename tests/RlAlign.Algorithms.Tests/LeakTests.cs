using System.Diagnostics;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

public sealed class LeakTests
{
    [Test]
    public void ManyIterationsLeaveNoTensorsOrNativeMemoryBehind()
    {
        // 2 envs x 64 steps, 2 epochs x 4 minibatches: 60 measured iterations run ~7,700 rollout steps and 480 updates.
        PpoConfig config = TestConfigs.SmallCartPole(iterations: 70, numSteps: 64) with { NumMinibatches = 4 };
        using var trainer = new PpoTrainer(config);
        for (int i = 0; i < 10; i++) trainer.RunIteration();
        Settle();
        long tensorsBefore = Tensor.TotalCount;
        long memoryBefore = Process.GetCurrentProcess().PrivateMemorySize64;

        trainer.Train();
        Settle();
        long tensorsAfter = Tensor.TotalCount;
        long memoryAfter = Process.GetCurrentProcess().PrivateMemorySize64;

        TestContext.Out.WriteLine($"live tensors {tensorsBefore} -> {tensorsAfter}; private memory {memoryBefore / 1048576.0:F1} -> {memoryAfter / 1048576.0:F1} MiB");
        Assert.That(tensorsAfter, Is.EqualTo(tensorsBefore), "every tensor made during training was disposed");
        Assert.That(memoryAfter - memoryBefore, Is.LessThan(32L << 20), "native memory does not grow with iterations");
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
