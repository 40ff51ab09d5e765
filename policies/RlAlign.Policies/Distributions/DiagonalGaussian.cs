using static TorchSharp.torch;

namespace RlAlign.Policies.Distributions;

/// <summary>
/// A diagonal Gaussian with independent action dimensions (implementation details 14–16): log-density
/// and entropy are summed over the dimensions, as CleanRL's <c>Normal(mean, std).log_prob(a).sum(1)</c>.
/// </summary>
public sealed class DiagonalGaussian : ActionDistribution
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    /// <param name="mean">[batch, dims].</param>
    /// <param name="logStd">[dims] (state-independent) or [batch, dims].</param>
    public DiagonalGaussian(Tensor mean, Tensor logStd)
    {
        if (mean.dim() != 2) throw new ArgumentException($"DiagonalGaussian needs a mean of shape [batch, dims], got [{string.Join(", ", mean.shape)}].", nameof(mean));
        Mean = mean;
        LogStd = logStd.expand_as(mean);
    }

    public Tensor Mean { get; }

    /// <summary>Log standard deviation, broadcast to [batch, dims].</summary>
    public Tensor LogStd { get; }

    public override Tensor Sample(Generator? generator = null)
    {
        using var noGrad = no_grad();
        Tensor noise = randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);
        return Mean + LogStd.exp() * noise;
    }

    public override Tensor LogProb(Tensor action)
    {
        Tensor z = (action - Mean) * (-LogStd).exp();
        return (z.square() * -0.5 - LogStd - HalfLogTwoPi).sum(-1);
    }

    public override Tensor Entropy() => (LogStd + (0.5 + HalfLogTwoPi)).sum(-1);

    public override Tensor Mode() => Mean;
}
