using RlAlign.Policies.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>A model folder or checkpoint that does not fit the model it is loaded into; the message names the tensor or file.</summary>
public sealed class ModelLoadException(string message) : Exception(message);

public sealed partial class Gpt2LMHeadModel
{
    public const string ConfigFileName = "config.json";
    public const string WeightsFileName = "model.safetensors";

    private const string TransformerPrefix = "transformer.";

    /// <summary>
    /// Loads a Hugging Face GPT-2 folder: <c>config.json</c> and <c>model.safetensors</c> (F32, F16 or BF16). Tensor names
    /// may carry the <c>transformer.</c> prefix (<c>GPT2LMHeadModel</c>) or not (<c>GPT2Model</c>, the original <c>gpt2</c>
    /// upload); the <c>attn.bias</c> / <c>attn.masked_bias</c> buffers and a tied <c>lm_head.weight</c> are ignored.
    /// </summary>
    public static Gpt2LMHeadModel FromPretrained(string folder, Device? device = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder '{folder}' does not exist.");
        string configPath = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"Model folder '{folder}' has no {ConfigFileName} (a Hugging Face model folder holds {ConfigFileName} and {WeightsFileName}).", configPath);
        string weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            string hint = File.Exists(Path.Combine(folder, "model.safetensors.index.json")) ? " It has a sharded checkpoint (model.safetensors.index.json), which this loader does not read."
                : File.Exists(Path.Combine(folder, "pytorch_model.bin")) ? " It has pytorch_model.bin; convert it to safetensors first."
                : "";
            throw new FileNotFoundException($"Model folder '{folder}' has no {WeightsFileName}.{hint}", weightsPath);
        }

        Gpt2Config config = Gpt2Config.Load(configPath);
        var model = CreateUninitialized(config);
        try
        {
            using SafeTensorsFile weights = SafeTensorsFile.Open(weightsPath);
            model.LoadWeights(weights);
            if (device is not null) model.to(device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> (float32, Hugging Face names with the <c>transformer.</c>
    /// prefix, no <c>lm_head.weight</c> since it is tied) into <paramref name="folder"/>, which Hugging Face's
    /// <c>GPT2LMHeadModel.from_pretrained</c> reads. Both files are written into a temporary folder first; a new folder
    /// then appears by one rename, and an existing one has each file replaced by a rename (other files stay).
    /// </summary>
    public void SavePretrained(string folder)
    {
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string staging = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(staging)!);
        try
        {
            Directory.CreateDirectory(staging);
            var tensors = named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter));
            SafeTensorsWriter.Write(Path.Combine(staging, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            Core.AtomicFile.WriteAllText(Path.Combine(staging, ConfigFileName), Config.ToJson());
            if (!Directory.Exists(target))
            {
                Directory.Move(staging, target);
                return;
            }
            // Weights before config: a reader never pairs a new config with old weights of another shape.
            File.Move(Path.Combine(staging, WeightsFileName), Path.Combine(target, WeightsFileName), overwrite: true);
            File.Move(Path.Combine(staging, ConfigFileName), Path.Combine(target, ConfigFileName), overwrite: true);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private void LoadWeights(SafeTensorsFile weights)
    {
        var used = new HashSet<string>();
        using (no_grad())
        {
            foreach (var (name, parameter) in named_parameters())
            {
                string stored = StoredName(weights, name);
                SafeTensorInfo info = weights.GetInfo(stored);
                if (!info.Shape.SequenceEqual(parameter.shape))
                    throw new ModelLoadException($"'{weights.FilePath}': tensor '{stored}' has shape {info.ShapeText}, but the config ({ArchitectureText}) needs [{string.Join(", ", parameter.shape)}].");
                if (!SafeTensorsDType.IsFloatingPoint(info.DType))
                    throw new ModelLoadException($"'{weights.FilePath}': tensor '{stored}' has dtype {info.DType}; weights must be floating point (F32, F16, BF16 or F64).");
                using Tensor value = weights.Read(stored);
                parameter.copy_(value);
                used.Add(stored);
            }
        }

        var unexpected = new List<string>();
        foreach (SafeTensorInfo info in weights.Tensors)
        {
            if (used.Contains(info.Name) || IsAttentionBuffer(info.Name)) continue;
            if (info.Name == "lm_head.weight")
            {
                if (!info.Shape.SequenceEqual(TokenEmbedding.shape))
                    throw new ModelLoadException($"'{weights.FilePath}': tensor 'lm_head.weight' has shape {info.ShapeText}, but the tied head needs [{string.Join(", ", TokenEmbedding.shape)}] (vocab_size {Config.VocabSize}, n_embd {Config.NEmbd}).");
                continue;
            }
            unexpected.Add(info.Name);
        }
        if (unexpected.Count > 0)
            throw new ModelLoadException($"'{weights.FilePath}' holds tensors that a GPT-2 with this config ({ArchitectureText}) does not have: {string.Join(", ", unexpected.Take(10).Select(n => $"'{n}'"))}{(unexpected.Count > 10 ? $" and {unexpected.Count - 10} more" : "")}.");
    }

    // GPT2LMHeadModel checkpoints name tensors "transformer.h.0...", GPT2Model ones (the original gpt2 upload) "h.0...".
    private string StoredName(SafeTensorsFile weights, string name)
    {
        string bare = name.StartsWith(TransformerPrefix, StringComparison.Ordinal) ? name[TransformerPrefix.Length..] : name;
        bool hasFull = weights.Contains(name), hasBare = bare != name && weights.Contains(bare);
        if (hasFull && hasBare) throw new ModelLoadException($"'{weights.FilePath}' holds both '{name}' and '{bare}'; it is unclear which one to load.");
        if (hasFull) return name;
        if (hasBare) return bare;
        throw new ModelLoadException($"'{weights.FilePath}' has no tensor '{name}' (nor '{bare}'), which a GPT-2 with this config ({ArchitectureText}) needs.");
    }

    private static bool IsAttentionBuffer(string name)
        => name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

    private string ArchitectureText
        => $"vocab_size {Config.VocabSize}, n_positions {Config.NPositions}, n_embd {Config.NEmbd}, n_layer {Config.NLayer}, n_head {Config.NHead}, n_inner {Config.InnerSize}";
}
