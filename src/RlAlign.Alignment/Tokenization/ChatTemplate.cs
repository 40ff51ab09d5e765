using System.Text;

namespace RlAlign.Alignment.Tokenization;

/// <summary>One turn of a conversation, as in TRL's conversational datasets: <c>{"role": "user", "content": "..."}</c>.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders conversations as text. The default is ChatML, the template TRL's <c>setup_chat_format</c> installs: each message
/// becomes <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c>, and the generation prompt is
/// <c>&lt;|im_start|&gt;assistant\n</c>. Prompt / completion splitting follows TRL's <c>apply_chat_template</c>.
/// </summary>
public sealed class ChatTemplate
{
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    private readonly string _messagePrefix;
    private readonly string _messageSuffix;
    private readonly string _assistantRole;

    /// <param name="messagePrefix">Text before each message's content; <c>{role}</c> is replaced by the role.</param>
    /// <param name="messageSuffix">Text after each message's content.</param>
    public ChatTemplate(string messagePrefix, string messageSuffix, string assistantRole = "assistant")
    {
        _messagePrefix = messagePrefix;
        _messageSuffix = messageSuffix;
        _assistantRole = assistantRole;
    }

    public static ChatTemplate ChatMl { get; } = new($"{ImStart}{{role}}\n", $"{ImEnd}\n");

    /// <summary>
    /// The conversation as text. <paramref name="addGenerationPrompt"/> appends the header of an assistant turn;
    /// <paramref name="continueFinalMessage"/> leaves the last message open (no suffix) so a completion can continue it.
    /// </summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = false, bool continueFinalMessage = false)
    {
        if (addGenerationPrompt && continueFinalMessage)
            throw new ArgumentException("A conversation cannot both get a generation prompt and continue its final message.");
        var text = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            text.Append(Prefix(messages[i].Role)).Append(messages[i].Content);
            if (!(continueFinalMessage && i == messages.Count - 1)) text.Append(_messageSuffix);
        }
        if (addGenerationPrompt) text.Append(Prefix(_assistantRole));
        return text.ToString();
    }

    /// <summary>
    /// The prompt as TRL renders it: with the generation prompt when the last message is the user's, continuing the
    /// final message when it is the assistant's.
    /// </summary>
    public string RenderPrompt(IReadOnlyList<ChatMessage> prompt)
    {
        if (prompt.Count == 0) throw new ArgumentException("The prompt has no messages.");
        string lastRole = prompt[^1].Role;
        if (lastRole == "user") return Render(prompt, addGenerationPrompt: true);
        if (lastRole == _assistantRole) return Render(prompt, continueFinalMessage: true);
        throw new ArgumentException($"The prompt's last message has role '{lastRole}'; it must be 'user' or '{_assistantRole}'.");
    }

    /// <summary>
    /// The completion's text: the rendering of prompt + completion minus the rendered prompt (TRL's way), which must be
    /// a prefix of it.
    /// </summary>
    public string RenderCompletion(IReadOnlyList<ChatMessage> prompt, IReadOnlyList<ChatMessage> completion)
    {
        string promptText = RenderPrompt(prompt);
        string whole = Render([.. prompt, .. completion]);
        if (!whole.StartsWith(promptText, StringComparison.Ordinal))
            throw new ArgumentException($"The rendered prompt + completion does not start with the rendered prompt (does the completion start with an '{_assistantRole}' message?).");
        return whole[promptText.Length..];
    }

    private string Prefix(string role) => _messagePrefix.Replace("{role}", role, StringComparison.Ordinal);
}
