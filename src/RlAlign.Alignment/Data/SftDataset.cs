using System.Collections;
using System.Text.Json;

namespace RlAlign.Alignment.Data;

/// <summary>One supervised example as text; <see cref="Prompt"/> is empty for language-modelling rows, which train on all their tokens.</summary>
public sealed record SftExample(string Prompt, string Completion);

/// <summary>
/// A JSONL dataset for supervised fine-tuning in TRL's formats, read lazily line by line:
/// <list type="bullet">
/// <item>prompt-completion: <c>{"prompt": "...", "completion": "..."}</c>, strings or lists of messages (loss on the completion)</item>
/// <item>conversational language modelling: <c>{"messages": [...]}</c>, the whole rendered conversation is the completion
/// (TRL's default, <c>assistant_only_loss=False</c>)</item>
/// <item>language modelling: <c>{"text": "..."}</c></item>
/// </list>
/// Errors and skipping work as in <see cref="PreferenceDataset"/>.
/// </summary>
public sealed class SftDataset : IEnumerable<SftExample>
{
    private readonly DatasetOptions _options;

    private SftDataset(string path, DatasetOptions options)
    {
        FilePath = path;
        _options = options;
    }

    public string FilePath { get; }

    public DatasetReadReport Report { get; } = new();

    public static SftDataset Open(string path, DatasetOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        return new SftDataset(path, options ?? new DatasetOptions());
    }

    public IEnumerator<SftExample> GetEnumerator() => JsonlReader.Read(FilePath, Parse, _options.SkipInvalid, Report).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private SftExample Parse(JsonElement row)
    {
        var template = _options.ChatTemplate;
        if (RowFields.Has(row, "messages"))
        {
            FieldValue messages = RowFields.Read(row, "messages");
            if (!messages.IsConversational) throw new InvalidRowException("field 'messages' is a string; expected a list of {\"role\", \"content\"} messages (use 'text' for plain text).");
            RowFields.RequireNonEmpty(messages);
            return new SftExample("", template.Render(messages.Messages!));
        }
        if (RowFields.Has(row, "text"))
        {
            FieldValue text = RowFields.Read(row, "text");
            if (text.IsConversational) throw new InvalidRowException("field 'text' is a list; expected a string (use 'messages' for conversations).");
            RowFields.RequireNonEmpty(text);
            return new SftExample("", text.Text!);
        }
        if (!RowFields.Has(row, "prompt") && !RowFields.Has(row, "completion"))
            throw new InvalidRowException("expected the fields 'prompt' and 'completion', or 'messages', or 'text'.");
        FieldValue prompt = RowFields.Read(row, "prompt");
        FieldValue completion = RowFields.Read(row, "completion");
        RowFields.RequireSameFormat(completion, prompt);
        RowFields.RequireNonEmpty(completion);
        if (!prompt.IsConversational) return new SftExample(prompt.Text!, completion.Text!);
        return new SftExample(
            RowFields.Render(() => template.RenderPrompt(prompt.Messages!), "prompt"),
            RowFields.Render(() => template.RenderCompletion(prompt.Messages!, completion.Messages!), "completion"));
    }
}
