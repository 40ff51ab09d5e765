using System.Collections;
using System.Text.Json;
using RlAlign.Alignment.Tokenization;

namespace RlAlign.Alignment.Data;

/// <summary>One preference pair as text: the completions follow the prompt directly (chat templates already applied).</summary>
public sealed record PreferenceExample(string Prompt, string Chosen, string Rejected);

/// <summary>
/// A JSONL preference dataset in TRL's formats, read lazily line by line on every enumeration (no row is kept):
/// <list type="bullet">
/// <item>standard: <c>{"prompt": "The sky is", "chosen": " blue.", "rejected": " green."}</c></item>
/// <item>implicit prompt: <c>{"chosen": "The sky is blue.", "rejected": "The sky is green."}</c>; the shared prefix becomes the prompt</item>
/// <item>conversational: the same fields as lists of <c>{"role", "content"}</c> messages, rendered with the chat template</item>
/// </list>
/// A line that cannot be used stops the enumeration with a <see cref="DatasetFormatException"/> naming file and line, or is
/// skipped and counted in <see cref="Report"/> when <see cref="DatasetOptions.SkipInvalid"/> is set.
/// </summary>
public sealed class PreferenceDataset : IEnumerable<PreferenceExample>
{
    private readonly DatasetOptions _options;

    private PreferenceDataset(string path, DatasetOptions options)
    {
        FilePath = path;
        _options = options;
    }

    public string FilePath { get; }

    /// <summary>Rows and skipped lines of the latest (or current) enumeration.</summary>
    public DatasetReadReport Report { get; } = new();

    public static PreferenceDataset Open(string path, DatasetOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        return new PreferenceDataset(path, options ?? new DatasetOptions());
    }

    public IEnumerator<PreferenceExample> GetEnumerator()
        => JsonlReader.Read(FilePath, Parse, _options.SkipInvalid, Report).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private PreferenceExample Parse(JsonElement row)
    {
        FieldValue chosen = RowFields.Read(row, "chosen");
        FieldValue rejected = RowFields.Read(row, "rejected");
        RowFields.RequireSameFormat(rejected, chosen);
        FieldValue prompt;
        if (RowFields.Has(row, "prompt"))
        {
            prompt = RowFields.Read(row, "prompt");
            RowFields.RequireSameFormat(prompt, chosen);
        }
        else
        {
            (prompt, chosen, rejected) = ImplicitPrompt.Extract(chosen, rejected);
        }
        RowFields.RequireNonEmpty(chosen);
        RowFields.RequireNonEmpty(rejected);
        if (!chosen.IsConversational) return new PreferenceExample(prompt.Text!, chosen.Text!, rejected.Text!);

        var template = _options.ChatTemplate;
        return new PreferenceExample(
            RowFields.Render(() => template.RenderPrompt(prompt.Messages!), "prompt"),
            RowFields.Render(() => template.RenderCompletion(prompt.Messages!, chosen.Messages!), "chosen"),
            RowFields.Render(() => template.RenderCompletion(prompt.Messages!, rejected.Messages!), "rejected"));
    }
}

/// <summary>TRL's <c>extract_prompt</c>: the prompt of a pair without one is the longest shared prefix of chosen and rejected.</summary>
internal static class ImplicitPrompt
{
    public static (FieldValue Prompt, FieldValue Chosen, FieldValue Rejected) Extract(FieldValue chosen, FieldValue rejected)
    {
        if (chosen.IsConversational)
        {
            ChatMessage[] c = chosen.Messages!, r = rejected.Messages!;
            int split = SplitIndex<ChatMessage>(c, r, isSpace: _ => false);
            return (new FieldValue("prompt", null, c[..split]), chosen with { Messages = c[split..] }, rejected with { Messages = r[split..] });
        }
        string chosenText = chosen.Text!, rejectedText = rejected.Text!;
        int at = SplitIndex<char>(chosenText, rejectedText, isSpace: ch => ch == ' ');
        return (new FieldValue("prompt", chosenText[..at], null), chosen with { Text = chosenText[at..] }, rejected with { Text = rejectedText[at..] });
    }

    // The index of the first difference; a space just before it goes with the completions. Where one side is a prefix of
    // the other, TRL's loop ends on the last shared index, so both completions keep at least one element; this does the same.
    private static int SplitIndex<T>(ReadOnlySpan<T> chosen, ReadOnlySpan<T> rejected, Func<T, bool> isSpace) where T : IEquatable<T>
    {
        int shorter = Math.Min(chosen.Length, rejected.Length);
        if (shorter == 0) throw new InvalidRowException("'chosen' or 'rejected' is empty, so no prompt can be extracted (the row has no 'prompt' field).");
        for (int i = 0; i < shorter; i++)
        {
            if (!chosen[i].Equals(rejected[i])) return i > 0 && isSpace(chosen[i - 1]) ? i - 1 : i;
        }
        return shorter - 1;
    }
}
