using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>
/// Hugging Face's <c>Conv1D</c>: a linear layer whose weight is stored [in, out] (transposed relative to
/// <c>nn.Linear</c>), so GPT-2 checkpoints load without rearranging any tensor.
/// </summary>
internal sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private readonly MatmulPrecision _precision;

    public Conv1D(long inputs, long outputs, MatmulPrecision precision) : base(nameof(Conv1D))
    {
        _precision = precision;
        _weight = new Parameter(empty(inputs, outputs));
        _bias = new Parameter(zeros(outputs));
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
    }

    public Parameter Weight => _weight;

    public Parameter Bias => _bias;

    public override Tensor forward(Tensor input)
    {
        long[] outputShape = [.. input.shape[..^1], _weight.shape[1]];
        return MatmulPrecision.AddMatMul(_bias, input.reshape(-1, _weight.shape[0]), _weight, _precision.Bf16).view(outputShape);
    }
}

/// <summary>How the positions of one forward pass may attend: either plain causal (no mask tensor) or a boolean [batch, 1, query, key] mask.</summary>
internal readonly record struct AttentionLayout(Tensor? Mask, bool IsCausal, KeyValueCache? Cache);

internal sealed class Gpt2Attention : nn.Module
{
    private readonly Conv1D _cAttn;
    private readonly Conv1D _cProj;
    private readonly int _layer;
    private readonly int _heads;
    private readonly int _width;

    public Gpt2Attention(Gpt2Config config, int layer, MatmulPrecision precision) : base(nameof(Gpt2Attention))
    {
        _layer = layer;
        _heads = config.NHead;
        _width = config.NEmbd;
        _cAttn = new Conv1D(config.NEmbd, 3 * config.NEmbd, precision);
        _cProj = new Conv1D(config.NEmbd, config.NEmbd, precision);
        register_module("c_attn", _cAttn);
        register_module("c_proj", _cProj);
    }

    public Conv1D CAttn => _cAttn;

    public Conv1D CProj => _cProj;

    public Tensor Forward(Tensor hidden, AttentionLayout layout)
    {
        long batch = hidden.shape[0], length = hidden.shape[1];
        Tensor[] qkv = _cAttn.forward(hidden).split(_width, dim: 2);
        Tensor query = SplitHeads(qkv[0], batch, length);
        Tensor key = SplitHeads(qkv[1], batch, length);
        Tensor value = SplitHeads(qkv[2], batch, length);
        if (layout.Cache is { } cache) (key, value) = cache.Append(_layer, key, value);
        Tensor attended = nn.functional.scaled_dot_product_attention(query, key, value, layout.Mask, is_casual: layout.IsCausal);
        return _cProj.forward(attended.transpose(1, 2).reshape(batch, length, _width));
    }

    private Tensor SplitHeads(Tensor x, long batch, long length) => x.view(batch, length, _heads, _width / _heads).transpose(1, 2);
}

internal sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Conv1D _cFc;
    private readonly Conv1D _cProj;
    private readonly Func<Tensor, Tensor> _activation;

    public Gpt2Mlp(Gpt2Config config, MatmulPrecision precision) : base(nameof(Gpt2Mlp))
    {
        _cFc = new Conv1D(config.NEmbd, config.InnerSize, precision);
        _cProj = new Conv1D(config.InnerSize, config.NEmbd, precision);
        register_module("c_fc", _cFc);
        register_module("c_proj", _cProj);
        _activation = Activation(config.ActivationFunction);
    }

    public Conv1D CFc => _cFc;

    public Conv1D CProj => _cProj;

    public override Tensor forward(Tensor input) => _cProj.forward(_activation(_cFc.forward(input)));

    // gelu_new, gelu_fast and gelu_pytorch_tanh are three spellings of the same tanh approximation.
    private static Func<Tensor, Tensor> Activation(string name) => name switch
    {
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, GELU.Approximate.tanh),
        "gelu" => x => nn.functional.gelu(x),
        "relu" => x => nn.functional.relu(x),
        _ => throw new ArgumentException($"activation_function '{name}' is not supported."),
    };
}

/// <summary>A pre-LayerNorm transformer block: <c>x += attn(ln_1(x)); x += mlp(ln_2(x))</c>.</summary>
internal sealed class Gpt2Block : nn.Module
{
    private readonly LayerNorm _ln1;
    private readonly Gpt2Attention _attn;
    private readonly LayerNorm _ln2;
    private readonly Gpt2Mlp _mlp;

    public Gpt2Block(Gpt2Config config, int layer, MatmulPrecision precision) : base(nameof(Gpt2Block))
    {
        _ln1 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        _attn = new Gpt2Attention(config, layer, precision);
        _ln2 = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        _mlp = new Gpt2Mlp(config, precision);
        register_module("ln_1", _ln1);
        register_module("attn", _attn);
        register_module("ln_2", _ln2);
        register_module("mlp", _mlp);
    }

    public Gpt2Attention Attn => _attn;

    public Gpt2Mlp Mlp => _mlp;

    public Tensor Forward(Tensor hidden, AttentionLayout layout)
    {
        hidden = ResidualSum.Add(hidden, _attn.Forward(_ln1.forward(hidden), layout));
        return ResidualSum.Add(hidden, _mlp.forward(_ln2.forward(hidden)));
    }
}

/// <summary>Hugging Face's <c>GPT2Model</c> (the <c>transformer</c> of <c>GPT2LMHeadModel</c>): embeddings, blocks and the final LayerNorm.</summary>
internal sealed class Gpt2Transformer : nn.Module
{
    private readonly Embedding _wte;
    private readonly Embedding _wpe;
    private readonly ModuleList<Gpt2Block> _h;
    private readonly LayerNorm _lnF;

    public Gpt2Transformer(Gpt2Config config, MatmulPrecision precision) : base(nameof(Gpt2Transformer))
    {
        _wte = nn.Embedding(config.VocabSize, config.NEmbd);
        _wpe = nn.Embedding(config.NPositions, config.NEmbd);
        _h = nn.ModuleList(Enumerable.Range(0, config.NLayer).Select(layer => new Gpt2Block(config, layer, precision)).ToArray());
        _lnF = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        register_module("wte", _wte);
        register_module("wpe", _wpe);
        register_module("h", _h);
        register_module("ln_f", _lnF);
    }

    public Embedding Wte => _wte;

    public Embedding Wpe => _wpe;

    public IEnumerable<Gpt2Block> Blocks => _h;

    public Tensor Forward(Tensor inputIds, Tensor positionIds, AttentionLayout layout)
    {
        Tensor hidden = ResidualSum.Add(_wte.forward(inputIds), _wpe.forward(positionIds));
        foreach (Gpt2Block block in _h) hidden = block.Forward(hidden, layout);
        return _lnF.forward(hidden);
    }
}

/// <summary>Whether a model's matrix products run in bfloat16 (see <see cref="Gpt2LMHeadModel.Bf16Matmuls"/>); shared by all its layers.</summary>
internal sealed class MatmulPrecision
{
    public bool Bf16 { get; set; }

    /// <summary><paramref name="left"/> · <paramref name="right"/>; in bfloat16 the inputs are rounded and the result widened back to float32, as autocast does.</summary>
    public static Tensor MatMul(Tensor left, Tensor right, bool bf16)
        => bf16 ? left.to(ScalarType.BFloat16).matmul(right.to(ScalarType.BFloat16)).to(ScalarType.Float32) : left.matmul(right);

    /// <summary><paramref name="bias"/> + <paramref name="left"/> · <paramref name="right"/> (one <c>addmm</c>), rounded and widened as <see cref="MatMul"/>.</summary>
    public static Tensor AddMatMul(Tensor bias, Tensor left, Tensor right, bool bf16)
        => bf16
            ? bias.to(ScalarType.BFloat16).addmm(left.to(ScalarType.BFloat16), right.to(ScalarType.BFloat16)).to(ScalarType.Float32)
            : bias.addmm(left, right);
}

/// <summary>
/// <c>a + b</c> with a Scalar alpha that lives as long as the process. TorchSharp's <c>a + b</c> passes a freshly
/// converted Scalar whose only reference ends once its native handle is read; a garbage collection started by another
/// thread during the native call can then finalize it, and libtorch reads a freed Scalar ("Expected false to be true …
/// toFloat", seen once in about a hundred alignment runs). These sums run several times per forward pass.
/// </summary>
internal static class ResidualSum
{
    private static readonly Scalar One = 1.ToScalar();

    public static Tensor Add(Tensor left, Tensor right) => left.add(right, One);
}
