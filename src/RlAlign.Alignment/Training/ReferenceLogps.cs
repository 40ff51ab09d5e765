using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RlAlign.Algorithms;
using RlAlign.Alignment.Data;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Training;

/// <summary>Summed completion log-probabilities of preference pairs under one model: one chosen and one rejected value per pair.</summary>
public sealed record ReferenceLogps(float[] Chosen, float[] Rejected)
{
    public int Count => Chosen.Length;

    /// <summary>Scores <paramref name="pairs"/> with <paramref name="model"/> (no gradients), <paramref name="batchSize"/> pairs per forward pass.</summary>
    public static ReferenceLogps Compute(Gpt2LMHeadModel model, IReadOnlyList<TokenizedPair> pairs, int padTokenId, int batchSize = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var chosen = new float[pairs.Count];
        var rejected = new float[pairs.Count];
        bool wasTraining = model.training;
        model.eval();
        using (no_grad())
        {
            for (int start = 0; start < pairs.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int rows = Math.Min(batchSize, pairs.Count - start);
                using SequenceBatch batch = Collation.Preferences([.. pairs.Skip(start).Take(rows)], padTokenId, model.Device);
                float[] logps = CompletionScores.Compute(model, batch).Logps.cpu().data<float>().ToArray();
                Array.Copy(logps, 0, chosen, start, rows);
                Array.Copy(logps, rows, rejected, start, rows);
            }
        }
        if (wasTraining) model.train();
        return new ReferenceLogps(chosen, rejected);
    }

    /// <summary>The values of pairs <paramref name="indices"/>, chosen then rejected (the order of a preference batch), as a [2n] tensor.</summary>
    internal Tensor Gather(int[] indices, Device device)
    {
        Tensor host = empty(2 * indices.Length, ScalarType.Float32);
        Span<float> values = MemoryMarshal.Cast<byte, float>(host.bytes);
        for (int i = 0; i < indices.Length; i++)
        {
            values[i] = Chosen[indices[i]];
            values[indices.Length + i] = Rejected[indices[i]];
        }
        if (device.type == DeviceType.CPU) return host;
        using (host) return host.to(device);
    }
}

/// <summary>
/// The file that keeps precomputed reference log-probabilities between runs (<c>ref_log_probs_cache</c>): a checksummed,
/// atomically written container holding fingerprints of the tokenized dataset and of the reference model, and the values.
/// </summary>
public static class ReferenceLogpsCache
{
    private const string Kind = "dpo-reference-logps";

    /// <summary>
    /// The cached values when <paramref name="path"/> exists and was made for this data and reference; otherwise computes
    /// them with <paramref name="reference"/> and writes the file. A file for other data or another reference model is an
    /// <see cref="InvalidDataException"/> naming which one differs.
    /// </summary>
    public static (ReferenceLogps Train, ReferenceLogps? Eval) LoadOrCompute(string path, Gpt2LMHeadModel reference,
        IReadOnlyList<TokenizedPair> train, IReadOnlyList<TokenizedPair>? eval, int padTokenId, int batchSize)
    {
        string dataFingerprint = Fingerprint(train, eval);
        string modelFingerprint = Fingerprint(reference);
        if (File.Exists(path))
        {
            using BinaryReader reader = CheckpointFile.Open(path, Kind);
            string savedData = reader.ReadString(), savedModel = reader.ReadString();
            if (savedData != dataFingerprint)
                throw new InvalidDataException(
                    $"Reference log-prob cache '{path}' was computed for another dataset (its fingerprint {savedData[..16]}…, this run's " +
                    $"{dataFingerprint[..16]}…: different pairs, order or truncation). Delete the file to recompute, or set another ref_log_probs_cache.");
            if (savedModel != modelFingerprint)
                throw new InvalidDataException(
                    $"Reference log-prob cache '{path}' was computed with another reference model (its fingerprint {savedModel[..16]}…, this " +
                    $"run's {modelFingerprint[..16]}…). Delete the file to recompute, or set another ref_log_probs_cache.");
            ReferenceLogps cachedTrain = ReadValues(reader);
            ReferenceLogps? cachedEval = reader.ReadBoolean() ? ReadValues(reader) : null;
            return (cachedTrain, cachedEval);
        }
        ReferenceLogps trainLogps = ReferenceLogps.Compute(reference, train, padTokenId, batchSize);
        ReferenceLogps? evalLogps = eval is null ? null : ReferenceLogps.Compute(reference, eval, padTokenId, batchSize);
        CheckpointFile.Write(path, Kind, writer =>
        {
            writer.Write(dataFingerprint);
            writer.Write(modelFingerprint);
            WriteValues(writer, trainLogps);
            writer.Write(evalLogps is not null);
            if (evalLogps is not null) WriteValues(writer, evalLogps);
        });
        return (trainLogps, evalLogps);
    }

    private static void WriteValues(BinaryWriter writer, ReferenceLogps logps)
    {
        writer.Write(logps.Count);
        foreach (float value in logps.Chosen) writer.Write(value);
        foreach (float value in logps.Rejected) writer.Write(value);
    }

    private static ReferenceLogps ReadValues(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        var chosen = new float[count];
        var rejected = new float[count];
        for (int i = 0; i < count; i++) chosen[i] = reader.ReadSingle();
        for (int i = 0; i < count; i++) rejected[i] = reader.ReadSingle();
        return new ReferenceLogps(chosen, rejected);
    }

    /// <summary>SHA-256 of the token ids of every pair (train, then eval), with lengths so that boundaries count.</summary>
    internal static string Fingerprint(IReadOnlyList<TokenizedPair> train, IReadOnlyList<TokenizedPair>? eval)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(int[] ids)
        {
            hash.AppendData(BitConverter.GetBytes(ids.Length));
            hash.AppendData(MemoryMarshal.AsBytes(ids.AsSpan()));
        }
        foreach (IReadOnlyList<TokenizedPair> split in eval is null ? [train] : new[] { train, eval })
        {
            hash.AppendData(BitConverter.GetBytes(split.Count));
            foreach (TokenizedPair pair in split)
            {
                Add(pair.PromptIds);
                Add(pair.ChosenIds);
                Add(pair.RejectedIds);
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>SHA-256 of the model's config and parameter bytes.</summary>
    internal static string Fingerprint(Gpt2LMHeadModel model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(model.Config.ToJson()));
        foreach (var (name, parameter) in model.named_parameters())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using Tensor host = parameter.detach().cpu().contiguous();
            hash.AppendData(host.bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
