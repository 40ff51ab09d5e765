using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

public sealed class FlatAdamTests
{
    [Test]
    public void MatchesTorchAdamAndGradientClippingStepForStep()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        Sequential reference = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3));
        Sequential packed = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3));
        using (no_grad())
            foreach (var (target, source) in packed.parameters().Zip(reference.parameters())) target.copy_(source);
        using var torchAdam = optim.Adam(reference.parameters(), 1e-2, eps: 1e-5);
        using var flatAdam = new FlatAdam(packed.parameters().ToArray(), 1e-2, eps: 1e-5);
        Tensor inputs = randn(16, 5, generator: generator), targets = randn(16, 3, generator: generator);

        for (int step = 0; step < 5; step++)
        {
            torchAdam.zero_grad();
            (reference.forward(inputs) - targets).square().sum().backward();
            double torchNorm = nn.utils.clip_grad_norm_(reference.parameters(), 0.5);
            torchAdam.step();

            flatAdam.ZeroGrad();
            (packed.forward(inputs) - targets).square().sum().backward();
            double flatNorm = flatAdam.ClipGradNorm(0.5);
            flatAdam.Step();

            Assert.That(flatNorm, Is.EqualTo(torchNorm).Within(1e-4 * torchNorm), $"grad norm at step {step}");
        }
        foreach (var (a, b) in packed.parameters().Zip(reference.parameters()))
            Assert.That(TensorAssert.ToArray(a), Is.EqualTo(TensorAssert.ToArray(b)).Within(1e-5));
        Assert.That(flatAdam.StepCount, Is.EqualTo(5));
    }

    [Test]
    public void ParametersBecomeAlignedViewsOfTheFlatBuffersAndKeepTheirValues()
    {
        using var scope = NewDisposeScope();
        Sequential module = nn.Sequential(nn.Linear(3, 5), nn.Linear(5, 1));
        float[][] before = module.parameters().Select(p => TensorAssert.ToArray(p)).ToArray();

        using var adam = new FlatAdam(module.parameters().ToArray(), 0.1);

        Assert.That(module.parameters().Select(p => TensorAssert.ToArray(p)), Is.EqualTo(before));
        Assert.That(adam.FlatValues.numel(), Is.EqualTo(16 + 16 + 16 + 16), "each of 15, 5, 5 and 1 values padded to 16");
        using (no_grad()) adam.FlatValues.zero_();
        Assert.That(module.parameters().All(p => TensorAssert.ToArray(p).All(v => v == 0)), Is.True, "parameters alias the flat buffer");
    }

    [Test]
    public void ClippingLeavesSmallGradientsAloneAndReportsNonFiniteNorms()
    {
        using var scope = NewDisposeScope();
        Sequential module = nn.Sequential(nn.Linear(2, 2));
        using var adam = new FlatAdam(module.parameters().ToArray(), 0.1);
        using (no_grad())
            foreach (Parameter parameter in module.parameters()) parameter.grad!.fill_(0.01);

        double norm = adam.ClipGradNorm(10);
        Assert.That(norm, Is.EqualTo(Math.Sqrt(6) * 0.01).Within(1e-7));
        Assert.That(TensorAssert.ToArray(module.parameters().First().grad!), Is.All.EqualTo(0.01f));

        using (no_grad()) module.parameters().First().grad![0, 0] = float.NaN;
        Assert.That(adam.ClipGradNorm(10), Is.NaN);
    }
}
