using System.Text.Json;
using System.Text.Json.Serialization;

namespace RlAlign.Policies.Language;

/// <summary>
/// A GPT-2 architecture, with the field names and defaults of Hugging Face's <c>GPT2Config</c> (<c>config.json</c>);
/// <c>new Gpt2Config()</c> is the 124M-parameter <c>gpt2</c>. Fields of a <c>config.json</c> that this model does not use
/// (dropout rates, summary heads, ...) are kept in <see cref="ExtraFields"/> and written back unchanged.
/// The model applies no dropout, as TRL's preference trainers do by default (<c>disable_dropout=True</c>).
/// </summary>
public sealed record Gpt2Config
{
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "gpt2";

    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; init; } = ["GPT2LMHeadModel"];

    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 50257;

    /// <summary>The longest sequence the learned position embedding covers.</summary>
    [JsonPropertyName("n_positions")] public int NPositions { get; init; } = 1024;

    [JsonPropertyName("n_embd")] public int NEmbd { get; init; } = 768;

    [JsonPropertyName("n_layer")] public int NLayer { get; init; } = 12;

    [JsonPropertyName("n_head")] public int NHead { get; init; } = 12;

    /// <summary>Width of the MLP's hidden layer; null means 4 × <see cref="NEmbd"/>.</summary>
    [JsonPropertyName("n_inner")] public int? NInner { get; init; }

    /// <summary><c>gelu_new</c> (tanh approximation, GPT-2's), <c>gelu_pytorch_tanh</c>, <c>gelu_fast</c>, <c>gelu</c> (exact) or <c>relu</c>.</summary>
    [JsonPropertyName("activation_function")] public string ActivationFunction { get; init; } = "gelu_new";

    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary>Standard deviation of the normal initialisation of weights and embeddings.</summary>
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;

    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; } = 50256;

    [JsonPropertyName("eos_token_id")] public int? EosTokenId { get; init; } = 50256;

    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; init; }

    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; } = true;

    [JsonPropertyName("scale_attn_weights")] public bool ScaleAttnWeights { get; init; } = true;

    [JsonPropertyName("scale_attn_by_inverse_layer_idx")] public bool ScaleAttnByInverseLayerIdx { get; init; }

    /// <summary>Only changes numerics under mixed precision in Hugging Face; float32 attention is already "upcast".</summary>
    [JsonPropertyName("reorder_and_upcast_attn")] public bool ReorderAndUpcastAttn { get; init; }

    /// <summary>Every other field of the <c>config.json</c> this came from.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? ExtraFields { get; init; }

    [JsonIgnore] public int InnerSize => NInner ?? 4 * NEmbd;

    [JsonIgnore] public int HeadSize => NEmbd / NHead;

    private static readonly string[] Activations = ["gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu"];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field whose value this model cannot build.</summary>
    public void Validate()
    {
        if (ModelType != "gpt2") throw new ArgumentException($"model_type is '{ModelType}'; this loader builds GPT-2 models (model_type 'gpt2') only.");
        RequirePositive(VocabSize, "vocab_size");
        RequirePositive(NPositions, "n_positions");
        RequirePositive(NEmbd, "n_embd");
        RequirePositive(NLayer, "n_layer");
        RequirePositive(NHead, "n_head");
        if (NInner is { } inner) RequirePositive(inner, "n_inner");
        if (NEmbd % NHead != 0) throw new ArgumentException($"n_embd ({NEmbd}) must be divisible by n_head ({NHead}).");
        if (!Activations.Contains(ActivationFunction))
            throw new ArgumentException($"activation_function '{ActivationFunction}' is not supported (supported: {string.Join(", ", Activations)}).");
        if (!(LayerNormEpsilon > 0)) throw new ArgumentException($"layer_norm_epsilon must be > 0, got {LayerNormEpsilon}.");
        if (!(InitializerRange >= 0)) throw new ArgumentException($"initializer_range must be >= 0, got {InitializerRange}.");
        RequireTokenId(BosTokenId, "bos_token_id");
        RequireTokenId(EosTokenId, "eos_token_id");
        RequireTokenId(PadTokenId, "pad_token_id");
        if (!TieWordEmbeddings) throw new ArgumentException("tie_word_embeddings is false; this GPT-2 always ties the output head to the token embedding (wte).");
        if (!ScaleAttnWeights) throw new ArgumentException("scale_attn_weights is false; this GPT-2 always scales attention scores by 1/sqrt(head size).");
        if (ScaleAttnByInverseLayerIdx) throw new ArgumentException("scale_attn_by_inverse_layer_idx is true, which this GPT-2 does not implement.");
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates a <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static Gpt2Config FromJson(string json, string source = "config.json")
    {
        Gpt2Config? config;
        try
        {
            config = JsonSerializer.Deserialize<Gpt2Config>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (config is null) throw new InvalidDataException($"{source}: the JSON is null, not a config object.");
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return config;
    }

    public static Gpt2Config Load(string path) => FromJson(File.ReadAllText(path), path);

    private static void RequirePositive(int value, string field)
    {
        if (value <= 0) throw new ArgumentException($"{field} must be > 0, got {value}.");
    }

    // Hugging Face does not check special ids against the vocabulary (and defaults them to 50256 whatever the vocabulary);
    // an id that does not fit is an error only where it is used, e.g. as the EOS of generation.
    private static void RequireTokenId(int? id, string field)
    {
        if (id is < 0) throw new ArgumentException($"{field} must be >= 0, got {id}.");
    }

    // Records compare lists and dictionaries by reference; compare the architecture by value.
    public bool Equals(Gpt2Config? other)
        => other is not null && ModelType == other.ModelType && VocabSize == other.VocabSize && NPositions == other.NPositions
           && NEmbd == other.NEmbd && NLayer == other.NLayer && NHead == other.NHead && InnerSize == other.InnerSize
           && ActivationFunction == other.ActivationFunction && LayerNormEpsilon == other.LayerNormEpsilon
           && InitializerRange == other.InitializerRange && BosTokenId == other.BosTokenId && EosTokenId == other.EosTokenId
           && PadTokenId == other.PadTokenId && TieWordEmbeddings == other.TieWordEmbeddings
           && ScaleAttnWeights == other.ScaleAttnWeights && ScaleAttnByInverseLayerIdx == other.ScaleAttnByInverseLayerIdx
           && ReorderAndUpcastAttn == other.ReorderAndUpcastAttn;

    public override int GetHashCode() => HashCode.Combine(VocabSize, NPositions, NEmbd, NLayer, NHead, InnerSize, ActivationFunction);
}
