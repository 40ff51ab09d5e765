using RlAlign.Core;

namespace RlAlign.Alignment.Tokenization;

/// <summary>The tokenizer saved in a model folder, whichever kind it is.</summary>
public static class TokenizerFolder
{
    /// <summary>
    /// <c>char_tokenizer.json</c> gives a <see cref="CharacterTokenizer"/> (the built-in tasks' models); <c>vocab.json</c>
    /// and <c>merges.txt</c> give a GPT-2 BPE <see cref="Gpt2Tokenizer"/>.
    /// </summary>
    public static ITokenizer Load(string folder)
    {
        if (File.Exists(Path.Combine(folder, CharacterTokenizer.FileName))) return CharacterTokenizer.Load(folder);
        if (File.Exists(Path.Combine(folder, "vocab.json"))) return Gpt2Tokenizer.FromFolder(folder);
        throw new FileNotFoundException($"'{folder}' holds no tokenizer: expected vocab.json and merges.txt (GPT-2 BPE) or {CharacterTokenizer.FileName}.");
    }

    /// <summary>Copies the tokenizer files of <paramref name="source"/> (those <see cref="Load"/> reads) into <paramref name="destination"/>.</summary>
    public static void CopyFiles(string source, string destination)
    {
        string[] names = [CharacterTokenizer.FileName, "vocab.json", "merges.txt", "tokenizer_config.json", "added_tokens.json", "special_tokens_map.json"];
        foreach (string name in names)
        {
            string from = Path.Combine(source, name);
            if (!File.Exists(from)) continue;
            AtomicFile.Write(Path.Combine(destination, name), target =>
            {
                using FileStream source = File.OpenRead(from);
                source.CopyTo(target);
            });
        }
    }
}
