using RlAlign.Policies.Language;

namespace RlAlign.Alignment.Tasks;

/// <summary>Model shapes for the built-in tasks.</summary>
public static class TaskModels
{
    /// <summary>
    /// A small GPT-2 for <paramref name="task"/>: the task tokenizer's vocabulary (EOS as BOS, EOS and pad, as GPT-2 does)
    /// and a context that holds the longest prompt plus <see cref="IAlignmentTask.MaxCompletionTokens"/>. The defaults
    /// (2 layers, width 64, 4 heads; about 0.1 M parameters) learn the built-in tasks on a CPU in a minute or two.
    /// </summary>
    /// <param name="maxPromptTokens">Needed for tasks that are not a <see cref="SyntheticTask"/>, which know their longest prompt.</param>
    public static Gpt2Config TinyGpt2Config(IAlignmentTask task, int layers = 2, int width = 64, int heads = 4, int? maxPromptTokens = null)
    {
        int prompt = maxPromptTokens ?? (task as SyntheticTask)?.MaxPromptTokens
            ?? throw new ArgumentException($"Task '{task.Name}' does not say how long its prompts are; pass maxPromptTokens.", nameof(maxPromptTokens));
        int eos = task.Tokenizer.EosTokenId;
        var config = new Gpt2Config
        {
            VocabSize = task.Tokenizer.VocabSize,
            NPositions = prompt + task.MaxCompletionTokens,
            NEmbd = width,
            NLayer = layers,
            NHead = heads,
            BosTokenId = eos,
            EosTokenId = eos,
            PadTokenId = task.Tokenizer.PadTokenId,
        };
        config.Validate();
        return config;
    }
}
