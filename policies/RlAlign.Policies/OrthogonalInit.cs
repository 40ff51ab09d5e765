using static TorchSharp.torch;

namespace RlAlign.Policies;

/// <summary>
/// <c>torch.nn.init.orthogonal_</c> with an explicit generator, so a policy's initial weights depend
/// only on the seed it is given (libtorch's own init draws from the global generator).
/// </summary>
public static class OrthogonalInit
{
    /// <summary>
    /// Fills <paramref name="weight"/> (at least 2-D, viewed as [rows, numel/rows]) with a (semi-)orthogonal
    /// matrix scaled by <paramref name="gain"/>, following PyTorch's algorithm: QR of a standard normal
    /// matrix, with the signs of R's diagonal folded into Q so the result is uniformly distributed.
    /// </summary>
    public static void Apply(Tensor weight, double gain, Generator? generator = null)
    {
        if (weight.dim() < 2) throw new ArgumentException($"Orthogonal init needs a tensor with at least 2 dimensions, got [{string.Join(", ", weight.shape)}].", nameof(weight));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long rows = weight.shape[0], columns = weight.numel() / rows;
        Tensor flat = randn(rows, columns, dtype: ScalarType.Float32, generator: generator);
        bool wide = rows < columns;
        if (wide) flat = flat.t();
        (Tensor q, Tensor r) = linalg.qr(flat);
        q = q * r.diag().sign();
        if (wide) q = q.t();
        weight.copy_(q.reshape(weight.shape).mul(gain));
    }
}
