using static TorchSharp.torch;

namespace RlAlign.Policies.Distributions;

/// <summary>
/// Independent categoricals, one per component of a MultiDiscrete action (implementation detail 37):
/// log-probabilities and entropies are summed over the components. The logits of all components are
/// concatenated, [batch, sum(nvec)].
/// </summary>
public sealed class MultiCategorical : ActionDistribution
{
    private readonly Categorical[] _components;

    public MultiCategorical(Tensor logits, IReadOnlyList<int> nvec)
    {
        long expected = nvec.Sum();
        if (logits.dim() != 2 || logits.shape[1] != expected)
            throw new ArgumentException($"MultiCategorical over [{string.Join(", ", nvec)}] needs logits of shape [batch, {expected}], got [{string.Join(", ", logits.shape)}].", nameof(logits));
        _components = new Categorical[nvec.Count];
        long offset = 0;
        for (int i = 0; i < nvec.Count; i++)
        {
            _components[i] = new Categorical(logits.narrow(1, offset, nvec[i]));
            offset += nvec[i];
        }
    }

    public IReadOnlyList<Categorical> Components => _components;

    public override Tensor Sample(Generator? generator = null)
        => cat(_components.Select(c => c.Sample(generator)).ToArray(), 1);

    public override Tensor LogProb(Tensor action)
        => SumOver(i => _components[i].LogProb(action.narrow(1, i, 1)));

    public override Tensor Entropy() => SumOver(i => _components[i].Entropy());

    public override Tensor Mode() => cat(_components.Select(c => c.Mode()).ToArray(), 1);

    private Tensor SumOver(Func<int, Tensor> perComponent)
    {
        Tensor total = perComponent(0);
        for (int i = 1; i < _components.Length; i++) total = total + perComponent(i);
        return total;
    }
}
