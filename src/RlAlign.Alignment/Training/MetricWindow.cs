using RlAlign.Algorithms;

namespace RlAlign.Alignment.Training;

/// <summary>
/// Metrics gathered between two reports, as TRL's trainers keep them: a value added several times (once per micro-batch,
/// or once per optimizer step) is reported as the mean of its additions; a value that is set (the learning rate, the
/// gradient norm, the token count) is reported as its latest value, as Hugging Face's Trainer logs them.
/// </summary>
public sealed class MetricWindow
{
    private readonly SortedDictionary<string, (double Sum, int Count)> _means = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _latest = new(StringComparer.Ordinal);

    public bool IsEmpty => _means.Count == 0 && _latest.Count == 0;

    public void Add(string name, double value)
    {
        _means.TryGetValue(name, out var entry);
        _means[name] = (entry.Sum + value, entry.Count + 1);
    }

    public void Set(string name, double value) => _latest[name] = value;

    /// <summary>The window's values (means and latest values), names prefixed with <paramref name="prefix"/>.</summary>
    public Dictionary<string, double> Values(string prefix = "")
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, (sum, count)) in _means) values[prefix + name] = sum / count;
        foreach (var (name, value) in _latest) values[prefix + name] = value;
        return values;
    }

    /// <summary>Reports the window's values to <paramref name="sink"/> at <paramref name="step"/>, clears it and returns what it reported.</summary>
    public Dictionary<string, double> Flush(IMetricsSink? sink, long step, string prefix = "")
    {
        Dictionary<string, double> values = Values(prefix);
        if (sink is not null)
            foreach (var (name, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) sink.Add(name, value, step);
        _means.Clear();
        _latest.Clear();
        return values;
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_means.Count);
        foreach (var (name, (sum, count)) in _means)
        {
            writer.Write(name);
            writer.Write(sum);
            writer.Write(count);
        }
        writer.Write(_latest.Count);
        foreach (var (name, value) in _latest)
        {
            writer.Write(name);
            writer.Write(value);
        }
    }

    internal void Read(BinaryReader reader)
    {
        _means.Clear();
        _latest.Clear();
        int means = reader.ReadInt32();
        for (int i = 0; i < means; i++) _means[reader.ReadString()] = (reader.ReadDouble(), reader.ReadInt32());
        int latest = reader.ReadInt32();
        for (int i = 0; i < latest; i++) _latest[reader.ReadString()] = reader.ReadDouble();
    }
}

/// <summary>Metric names with TRL's spelling.</summary>
public static class TrainerMetricNames
{
    public const string Loss = "loss";
    public const string GradNorm = "grad_norm";
    public const string LearningRate = "learning_rate";
    public const string Epoch = "epoch";
    public const string NumTokens = "num_tokens";
    public const string MeanTokenAccuracy = "mean_token_accuracy";
    public const string RewardsChosen = "rewards/chosen";
    public const string RewardsRejected = "rewards/rejected";
    public const string RewardsMargins = "rewards/margins";
    public const string RewardsAccuracies = "rewards/accuracies";
    public const string LogpsChosen = "logps/chosen";
    public const string LogpsRejected = "logps/rejected";
    public const string LogitsChosen = "logits/chosen";
    public const string LogitsRejected = "logits/rejected";

    /// <summary>The prefix of evaluation metrics (<c>eval_loss</c>, <c>eval_rewards/chosen</c>), as Hugging Face's.</summary>
    public const string EvalPrefix = "eval_";
}
