namespace RlAlign.Policies.Language;

/// <summary>A mission that cannot be turned into token ids: a word outside the vocabulary, or too many words.</summary>
public sealed class MissionTokenException(string message) : ArgumentException(message);

/// <summary>
/// The words of the BabyAI language and their token ids, fixed so that a policy trained on one level reads the
/// missions of every other level the same way. The list is what the verifier's <c>Surface</c> methods can write:
/// "go to", "pick up", "open", "put … next to", ", then", " after you ", " and ", the articles, the six
/// colours, the object kinds (and "object" for a kind-less description), and the locations "on your left/right",
/// "in front of you", "behind you". As BabyAI's <c>Vocabulary</c> (<c>re.findall("([a-z]+)", text.lower())</c>),
/// a mission is split into lower-case words and punctuation is dropped. Id 0 is padding.
/// </summary>
public static class BabyAIVocabulary
{
    public const long Padding = 0;

    /// <summary>The words, in token-id order (id = index + 1). Append only: reordering changes trained policies' meaning.</summary>
    public static readonly IReadOnlyList<string> Words =
    [
        "go", "to", "pick", "up", "open", "put", "next", "then", "after", "you", "and", "a", "the",
        "red", "green", "blue", "purple", "yellow", "grey",
        "box", "ball", "key", "door", "object",
        "on", "your", "left", "right", "in", "front", "of", "behind",
    ];

    private static readonly Dictionary<string, long> Ids =
        Words.Select((word, index) => (word, index)).ToDictionary(w => w.word, w => (long)w.index + 1, StringComparer.Ordinal);

    /// <summary>Token ids 0..Size-1, padding included: the embedding table's size.</summary>
    public static int Size => Words.Count + 1;

    /// <summary>The words of <paramref name="mission"/>, lower-cased, split at spaces and punctuation.</summary>
    public static IEnumerable<string> Split(string mission)
        => mission.ToLowerInvariant().Split([' ', ',', '.', '\''], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The token ids of <paramref name="mission"/>, unpadded.</summary>
    public static long[] Tokenize(string mission)
    {
        var ids = new List<long>();
        foreach (string word in Split(mission))
        {
            if (!Ids.TryGetValue(word, out long id))
                throw new MissionTokenException($"The word '{word}' of the mission \"{mission}\" is not in the BabyAI vocabulary ({string.Join(" ", Words)}).");
            ids.Add(id);
        }
        return ids.ToArray();
    }

    /// <summary>
    /// Writes the token ids of <paramref name="mission"/> into <paramref name="destination"/>, padded with
    /// <see cref="Padding"/>, and returns the number of words.
    /// </summary>
    public static int Encode(string mission, Span<long> destination)
    {
        long[] ids = Tokenize(mission);
        if (ids.Length > destination.Length)
            throw new MissionTokenException($"The mission \"{mission}\" has {ids.Length} words; at most {destination.Length} fit.");
        ids.CopyTo(destination);
        destination[ids.Length..].Clear();
        return ids.Length;
    }
}
