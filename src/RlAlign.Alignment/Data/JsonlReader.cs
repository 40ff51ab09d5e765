using System.Text;
using System.Text.Json;
using RlAlign.Alignment.Tokenization;

namespace RlAlign.Alignment.Data;

/// <summary>A dataset line that cannot be used; the message starts with <c>file:line:</c>.</summary>
public sealed class DatasetFormatException(string path, int line, string problem)
    : Exception($"{path}:{line}: {problem}")
{
    public string Path { get; } = path;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}

/// <summary>How JSONL datasets are read.</summary>
public sealed record DatasetOptions
{
    /// <summary>Skip lines that cannot be used (counting them in <see cref="DatasetReadReport"/>) instead of stopping with an error.</summary>
    public bool SkipInvalid { get; init; }

    /// <summary>Turns conversational rows (lists of <c>{role, content}</c>) into text.</summary>
    public ChatTemplate ChatTemplate { get; init; } = ChatTemplate.ChatMl;
}

/// <summary>What the latest pass over a dataset found: rows used and lines skipped (with the first reasons).</summary>
public sealed class DatasetReadReport
{
    private const int KeptReasons = 20;
    private readonly List<string> _reasons = [];

    public int Rows { get; private set; }

    public int SkippedLines { get; private set; }

    /// <summary>The first skipped lines' problems, as <c>file:line: problem</c>.</summary>
    public IReadOnlyList<string> SkipReasons => _reasons;

    internal void Reset()
    {
        Rows = 0;
        SkippedLines = 0;
        _reasons.Clear();
    }

    internal void AddRow() => Rows++;

    internal void AddSkipped(string reason)
    {
        SkippedLines++;
        if (_reasons.Count < KeptReasons) _reasons.Add(reason);
    }
}

/// <summary>A problem with one row, reported with the file and line by <see cref="JsonlReader"/>.</summary>
internal sealed class InvalidRowException(string problem) : Exception(problem);

/// <summary>Streams a JSONL file one line at a time: no more than one row is held in memory.</summary>
internal static class JsonlReader
{
    public static IEnumerable<T> Read<T>(string path, Func<JsonElement, T> parse, bool skipInvalid, DatasetReadReport report)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        report.Reset();
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (TryParse(line, parse, out T? row, out string? problem))
            {
                report.AddRow();
                yield return row!;
                continue;
            }
            if (!skipInvalid) throw new DatasetFormatException(path, lineNumber, problem!);
            report.AddSkipped($"{path}:{lineNumber}: {problem}");
        }
    }

    private static bool TryParse<T>(string line, Func<JsonElement, T> parse, out T? row, out string? problem)
    {
        (row, problem) = (default, null);
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"expected a JSON object, got {Describe(document.RootElement)}.";
                return false;
            }
            row = parse(document.RootElement);
            return true;
        }
        catch (JsonException e)
        {
            problem = $"not valid JSON ({e.Message})";
        }
        catch (InvalidRowException e)
        {
            problem = e.Message;
        }
        return false;
    }

    /// <summary>"a string", "an array", ... for error messages.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}
