using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

public sealed class PpoLossesTests
{
    [Test]
    public void ClippedSurrogateMatchesHandComputedValue()
    {
        using var scope = NewDisposeScope();
        Tensor ratio = tensor(new[] { 0.5f, 1.0f, 1.5f });
        Tensor advantages = tensor(new[] { 1f, -1f, 2f });

        // Per sample max(-A*r, -A*clamp(r, 0.8, 1.2)): max(-0.5, -0.8) = -0.5; max(1, 1) = 1; max(-3, -2.4) = -2.4.
        double loss = PpoLosses.ClippedSurrogate(ratio, advantages, 0.2).item<float>();

        Assert.That(loss, Is.EqualTo((-0.5 + 1 - 2.4) / 3).Within(1e-6));
    }

    [Test]
    public void ValueLossClippedAndUnclippedMatchHandComputedValues()
    {
        using var scope = NewDisposeScope();
        Tensor newValues = tensor(new[] { 1.0f, 2.0f });
        Tensor oldValues = tensor(new[] { 0.5f, 2.5f });
        Tensor returns = tensor(new[] { 2.0f, 0.0f });

        // Unclipped squared errors: 1, 4. Clipped values: 0.5 + 0.2 = 0.7 and 2.5 - 0.2 = 2.3 → 1.69, 5.29.
        double clipped = PpoLosses.ValueLoss(newValues, oldValues, returns, 0.2, clip: true).item<float>();
        double unclipped = PpoLosses.ValueLoss(newValues, oldValues, returns, 0.2, clip: false).item<float>();

        Assert.That(clipped, Is.EqualTo(0.5 * (1.69 + 5.29) / 2).Within(1e-5));
        Assert.That(unclipped, Is.EqualTo(0.5 * (1 + 4) / 2).Within(1e-6));
    }

    [Test]
    public void DiagnosticsAreTheK3KlTheNaiveKlAndTheClipFraction()
    {
        using var scope = NewDisposeScope();
        double[] ratios = [0.5, 1.1, 1.3];
        Tensor logRatio = tensor(ratios.Select(r => (float)Math.Log(r)).ToArray());

        PpoDiagnostics diagnostics = PpoLosses.Diagnostics(logRatio, logRatio.exp(), clipCoef: 0.2);

        double oldApproxKl = ratios.Average(r => -Math.Log(r));
        double approxKl = ratios.Average(r => r - 1 - Math.Log(r));
        Assert.That(diagnostics.OldApproxKl.item<float>(), Is.EqualTo(oldApproxKl).Within(1e-6));
        Assert.That(diagnostics.ApproxKl.item<float>(), Is.EqualTo(approxKl).Within(1e-6));
        Assert.That(diagnostics.ClipFraction.item<float>(), Is.EqualTo(2.0 / 3).Within(1e-6), "|0.5-1| and |1.3-1| exceed 0.2");
    }

    [Test]
    public void DiagnosticsAreZeroWhenThePolicyHasNotChanged()
    {
        using var scope = NewDisposeScope();
        Tensor logRatio = zeros(16);

        PpoDiagnostics diagnostics = PpoLosses.Diagnostics(logRatio, logRatio.exp(), 0.2);

        Assert.That(diagnostics.ApproxKl.item<float>(), Is.Zero);
        Assert.That(diagnostics.OldApproxKl.item<float>(), Is.Zero);
        Assert.That(diagnostics.ClipFraction.item<float>(), Is.Zero);
    }

    [Test]
    public void NormalizedAdvantagesHaveZeroMeanAndUnitUnbiasedStd()
    {
        using var scope = NewDisposeScope();
        Tensor advantages = tensor(new[] { 3f, -1f, 4f, 1f, -5f, 9f });

        Tensor normalized = PpoLosses.NormalizeAdvantages(advantages);

        Assert.That(normalized.mean().item<float>(), Is.EqualTo(0).Within(1e-6));
        Assert.That(normalized.std().item<float>(), Is.EqualTo(1).Within(1e-5));
    }

    [Test]
    public void ExplainedVarianceIsOneForPerfectPredictionsZeroForTheMeanAndNaNForAConstantTarget()
    {
        float[] target = [1f, 2f, 3f, 4f];

        Assert.That(PpoLosses.ExplainedVariance(target, target), Is.EqualTo(1.0));
        Assert.That(PpoLosses.ExplainedVariance([2.5f, 2.5f, 2.5f, 2.5f], target), Is.EqualTo(0.0).Within(1e-12));
        Assert.That(PpoLosses.ExplainedVariance([0f, 1f, 2f, 3f], target), Is.EqualTo(1.0).Within(1e-12), "a constant offset is not variance");
        Assert.That(PpoLosses.ExplainedVariance([1f, 1f], [2f, 2f]), Is.NaN);
        // 1 - Var(target - predicted) / Var(target): residuals [1, -1, 1, -1] have variance 1; Var(target) = 1.25.
        Assert.That(PpoLosses.ExplainedVariance([0f, 3f, 2f, 5f], target), Is.EqualTo(1 - 1 / 1.25).Within(1e-12));
    }
}
