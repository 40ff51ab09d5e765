using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>
/// GPT-2 as Hugging Face's <c>GPT2LMHeadModel</c>: token + learned position embeddings, <c>n_layer</c> pre-LayerNorm
/// blocks of causal multi-head self-attention and a 4× GELU MLP, a final LayerNorm, and an output head tied to the
/// token embedding. Parameter names and layouts are Hugging Face's (<c>transformer.h.0.attn.c_attn.weight</c>, stored
/// [in, out]), so checkpoints load as they are (<see cref="Gpt2Pretrained"/>).
/// <para>
/// Padding follows Hugging Face: an attention mask ([batch, past + new tokens], 1 = real token) hides padded keys, and
/// position ids are counted over real tokens only (<c>cumsum(mask) - 1</c>, clamped at 0), so a left-padded row gives the
/// same logits at its real positions as the unpadded sequence. Padded query positions attend to themselves only, which
/// keeps their (ignored) outputs finite.
/// </para>
/// </summary>
public sealed partial class Gpt2LMHeadModel : nn.Module
{
    private readonly Gpt2Transformer _transformer;
    private readonly MatmulPrecision _precision = new();

    private Gpt2LMHeadModel(Gpt2Config config) : base(nameof(Gpt2LMHeadModel))
    {
        config.Validate();
        Config = config;
        _transformer = new Gpt2Transformer(config, _precision);
        register_module("transformer", _transformer);
    }

    public Gpt2Config Config { get; }

    /// <summary>
    /// Runs the matrix products (every Conv1D layer and the output head, forward and backward) in bfloat16, as PyTorch's
    /// CPU autocast does; parameters, gradients, LayerNorms, softmaxes and log-probabilities stay float32. On CPUs with
    /// AVX512-BF16 these products run about 2× faster than MKL's AVX-512 float32 kernels; values differ from float32 by
    /// bfloat16's rounding (8-bit mantissa). Off by default.
    /// </summary>
    public bool Bf16Matmuls
    {
        get => _precision.Bf16;
        set => _precision.Bf16 = value;
    }

    /// <summary>The token embedding, [vocab_size, n_embd]; also the output head's weight.</summary>
    public Tensor TokenEmbedding => _transformer.Wte.weight!;

    public Device Device => TokenEmbedding.device;

    /// <summary>
    /// A model with Hugging Face's GPT-2 initialisation: weights and embeddings N(0, initializer_range), the residual
    /// projections (<c>c_proj</c>) N(0, initializer_range / sqrt(2 n_layer)), biases 0, LayerNorms (1, 0).
    /// <paramref name="generator"/> makes the weights reproducible.
    /// </summary>
    public static Gpt2LMHeadModel Create(Gpt2Config config, Generator? generator = null)
    {
        var model = new Gpt2LMHeadModel(config);
        model.Initialize(generator);
        return model;
    }

    /// <summary>A model whose parameters are left uninitialised, for loaders that overwrite all of them.</summary>
    internal static Gpt2LMHeadModel CreateUninitialized(Gpt2Config config) => new(config);

    /// <summary>Logits [batch, new tokens, vocab_size] for <paramref name="inputIds"/> (int64 [batch, new tokens]); see <see cref="HiddenStates"/> for the arguments.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, KeyValueCache? cache = null)
        => Logits(HiddenStates(inputIds, attentionMask, cache));

    /// <summary>
    /// The final LayerNorm's output [batch, new tokens, n_embd]. <paramref name="attentionMask"/> ([batch, past + new
    /// tokens], 1 for real tokens, 0 for padding) may be null when nothing is padded. With a <paramref name="cache"/>, the
    /// new tokens follow the <see cref="KeyValueCache.Length"/> cached ones and their keys and values are appended.
    /// </summary>
    public Tensor HiddenStates(Tensor inputIds, Tensor? attentionMask = null, KeyValueCache? cache = null)
    {
        using var scope = NewDisposeScope();
        if (inputIds.dim() != 2) throw new ArgumentException($"Input ids must be [batch, sequence], got shape [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        if (inputIds.dtype != ScalarType.Int64) throw new ArgumentException($"Input ids must be int64, got {inputIds.dtype}.", nameof(inputIds));
        long batch = inputIds.shape[0], length = inputIds.shape[1];
        long past = cache?.Length ?? 0;
        long total = past + length;
        if (total > Config.NPositions)
            throw new ArgumentException($"The sequence length {total} exceeds the model's n_positions {Config.NPositions} (the longest sequence its position embedding covers).", nameof(inputIds));
        CheckTokenIds(inputIds);
        if (attentionMask is not null && (attentionMask.dim() != 2 || attentionMask.shape[0] != batch || attentionMask.shape[1] != total))
            throw new ArgumentException($"The attention mask must be [batch, past + new tokens] = [{batch}, {total}], got [{string.Join(", ", attentionMask.shape)}].", nameof(attentionMask));

        Tensor positions = PositionIds(attentionMask, past, length);
        AttentionLayout layout = Layout(attentionMask, past, length, cache);
        Tensor hidden = _transformer.Forward(inputIds, positions, layout);
        cache?.Advance(length);
        return scope.MoveToOuter(hidden);
    }

    /// <summary>The tied output head: <paramref name="hidden"/> [..., n_embd] times the token embedding, giving [..., vocab_size].</summary>
    public Tensor Logits(Tensor hidden) => MatmulPrecision.MatMul(hidden, TokenEmbedding.t(), Bf16Matmuls);

    /// <summary>
    /// log p(token_t | tokens before t) for t = 1..T-1, shape [batch, T - 1]: the per-token log-probabilities that
    /// sequence losses (DPO, SFT) sum over completion tokens.
    /// </summary>
    public Tensor TokenLogProbs(Tensor inputIds, Tensor? attentionMask = null)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(SequenceLogProbs.PerToken(Forward(inputIds, attentionMask), inputIds));
    }

    private void CheckTokenIds(Tensor inputIds)
    {
        if (inputIds.numel() == 0) return;
        long min = inputIds.min().item<long>(), max = inputIds.max().item<long>();
        if (min < 0 || max >= Config.VocabSize)
            throw new ArgumentException($"Token id {(min < 0 ? min : max)} is outside the vocabulary [0, {Config.VocabSize}).", "inputIds");
    }

    // Hugging Face's position ids for padded input: real tokens are numbered 0, 1, 2, ... within their row.
    private Tensor PositionIds(Tensor? attentionMask, long past, long length)
    {
        if (attentionMask is null) return arange(past, past + length, dtype: ScalarType.Int64, device: Device).unsqueeze(0);
        Tensor counted = attentionMask.to(ScalarType.Int64).cumsum(1) - 1;
        return counted.clamp_min(0).narrow(1, past, length);
    }

    private AttentionLayout Layout(Tensor? attentionMask, long past, long length, KeyValueCache? cache)
    {
        long total = past + length;
        if (attentionMask is null)
        {
            // One new token may see every earlier one; a fresh unpadded sequence uses the fused causal kernel.
            if (length == 1) return new AttentionLayout(null, false, cache);
            if (past == 0) return new AttentionLayout(null, true, cache);
        }
        Tensor queryPositions = arange(past, total, dtype: ScalarType.Int64, device: Device).unsqueeze(1);
        Tensor keyPositions = arange(0, total, dtype: ScalarType.Int64, device: Device).unsqueeze(0);
        Tensor allowed = keyPositions.le(queryPositions);
        if (attentionMask is not null)
        {
            Tensor realKeys = attentionMask.to(ScalarType.Bool).view(-1, 1, 1, total);
            allowed = allowed.logical_and(realKeys).logical_or(keyPositions.eq(queryPositions));
        }
        else
        {
            allowed = allowed.view(1, 1, length, total);
        }
        return new AttentionLayout(allowed, false, cache);
    }

    private void Initialize(Generator? generator)
    {
        // Tensor.normal_, not nn.init.normal_: TorchSharp 0.107's init.normal_ ignores its generator argument.
        using var noGrad = no_grad();
        double std = Config.InitializerRange;
        double residualStd = std / Math.Sqrt(2.0 * Config.NLayer);
        _transformer.Wte.weight!.normal_(0, std, generator);
        _transformer.Wpe.weight!.normal_(0, std, generator);
        foreach (Gpt2Block block in _transformer.Blocks)
        {
            block.Attn.CAttn.Weight.normal_(0, std, generator);
            block.Attn.CProj.Weight.normal_(0, residualStd, generator);
            block.Mlp.CFc.Weight.normal_(0, std, generator);
            block.Mlp.CProj.Weight.normal_(0, residualStd, generator);
        }
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (name.Contains(".ln_", StringComparison.Ordinal)) parameter.fill_(1.0);
        }
    }
}
