using System.Text.Json;
using RlAlign.Alignment.Tokenization;

namespace RlAlign.Alignment.Data;

/// <summary>A field of a TRL row: text in the standard format, or a list of messages in the conversational one.</summary>
internal readonly record struct FieldValue(string Field, string? Text, ChatMessage[]? Messages)
{
    public bool IsConversational => Messages is not null;

    public string FormatName => IsConversational ? "a list of messages" : "a string";
}

/// <summary>Reads and checks the fields of one JSONL row; problems become <see cref="InvalidRowException"/>s naming the field.</summary>
internal static class RowFields
{
    /// <summary>Whether the row has <paramref name="field"/> with a non-null value.</summary>
    public static bool Has(JsonElement row, string field)
        => row.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    public static FieldValue Read(JsonElement row, string field)
    {
        if (!row.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            throw new InvalidRowException($"missing field '{field}'.");
        return value.ValueKind switch
        {
            JsonValueKind.String => new FieldValue(field, value.GetString()!, null),
            JsonValueKind.Array => new FieldValue(field, null, ReadMessages(value, field)),
            _ => throw new InvalidRowException($"field '{field}' is {JsonlReader.Describe(value)}; expected a string or a list of {{\"role\", \"content\"}} messages."),
        };
    }

    /// <summary>Standard and conversational fields cannot be mixed in one row.</summary>
    public static void RequireSameFormat(FieldValue value, FieldValue reference)
    {
        if (value.IsConversational != reference.IsConversational)
            throw new InvalidRowException($"field '{value.Field}' is {value.FormatName} but '{reference.Field}' is {reference.FormatName}; a row is either standard (strings) or conversational (messages) throughout.");
    }

    /// <summary>A completion must have content: a non-empty string, or at least one message.</summary>
    public static void RequireNonEmpty(FieldValue value)
    {
        if (value.IsConversational ? value.Messages!.Length == 0 : value.Text!.Length == 0)
            throw new InvalidRowException($"field '{value.Field}' is empty; a completion needs {(value.IsConversational ? "at least one message" : "at least one character")}.");
    }

    /// <summary>Runs a chat-template step, reporting its complaint as a row problem.</summary>
    public static string Render(Func<string> render, string field)
    {
        try
        {
            return render();
        }
        catch (ArgumentException e)
        {
            throw new InvalidRowException($"field '{field}': {e.Message}");
        }
    }

    private static ChatMessage[] ReadMessages(JsonElement array, string field)
    {
        var messages = new ChatMessage[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
                throw new InvalidRowException($"'{field}'[{i}] is {JsonlReader.Describe(item)}; expected a {{\"role\", \"content\"}} message.");
            messages[i] = new ChatMessage(MessageText(item, field, i, "role"), MessageText(item, field, i, "content"));
            i++;
        }
        return messages;
    }

    private static string MessageText(JsonElement message, string field, int index, string key)
    {
        if (!message.TryGetProperty(key, out JsonElement value)) throw new InvalidRowException($"'{field}'[{index}] has no '{key}'.");
        if (value.ValueKind != JsonValueKind.String) throw new InvalidRowException($"'{field}'[{index}].{key} is {JsonlReader.Describe(value)}; expected a string.");
        return value.GetString()!;
    }
}
