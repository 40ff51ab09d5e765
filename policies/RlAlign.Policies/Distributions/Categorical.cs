using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Distributions;

/// <summary>
/// A categorical distribution over <c>start .. start + n - 1</c> from unnormalised logits [batch, n]
/// (PyTorch's <c>Categorical(logits=...)</c>, shifted by the space's start).
/// </summary>
public sealed class Categorical : ActionDistribution
{
    private readonly Tensor _logProbs;
    private readonly int _start;

    public Categorical(Tensor logits, int start = 0)
    {
        if (logits.dim() != 2) throw new ArgumentException($"Categorical needs logits of shape [batch, n], got [{string.Join(", ", logits.shape)}].", nameof(logits));
        _logProbs = logits.log_softmax(-1);
        _start = start;
    }

    /// <summary>Normalised log-probabilities, [batch, n].</summary>
    public Tensor LogProbs => _logProbs;

    public override Tensor Sample(Generator? generator = null)
    {
        using var noGrad = no_grad();
        Tensor index = multinomial(_logProbs.exp(), 1, replacement: true, generator: generator);
        return ToAction(index);
    }

    public override (Tensor Action, Tensor LogProb) SampleWithLogProb(Generator? generator = null)
    {
        Tensor index;
        using (no_grad()) index = multinomial(_logProbs.exp(), 1, replacement: true, generator: generator);
        return (ToAction(index), _logProbs.gather(-1, index).squeeze(-1));
    }

    public override Tensor LogProb(Tensor action) => _logProbs.gather(-1, ToIndex(action)).squeeze(-1);

    // Log-softmax of finite logits is finite, so p * log p is 0 (not NaN) where p underflows to 0.
    public override Tensor Entropy() => -(_logProbs.exp() * _logProbs).sum(-1);

    public override Tensor Mode() => ToAction(_logProbs.argmax(-1, keepdim: true));

    private Tensor ToAction(Tensor index) => _start == 0 ? index.to(ScalarType.Float32) : index.add(_start).to(ScalarType.Float32);

    private Tensor ToIndex(Tensor action)
    {
        Tensor shifted = _start == 0 ? action : action.sub(_start);
        return shifted.to(ScalarType.Int64);
    }
}
