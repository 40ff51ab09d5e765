using RlAlign.Core;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>DictObservationSpaceWrapper</c>: the mission becomes <c>max_words_in_mission</c> word indices,
/// each a word's index in the vocabulary plus 1, then zeros. Commas count as words; a word outside the
/// vocabulary, or a mission of <c>max_words_in_mission</c> words or more, is an error, as in Python.
/// Image and direction pass through.
/// </summary>
/// <remarks>
/// Python declares the mission as <c>MultiDiscrete([len(word_dict)] * max_words)</c>, which the shifted index of
/// the last word falls outside; here each component allows the largest index plus 1.
/// </remarks>
public sealed class DictObservationSpaceWrapper : DictEntryWrapper
{
    private readonly MissionReader _mission;
    private readonly float[] _indices;

    public DictObservationSpaceWrapper(IEnv env, int maxWordsInMission = 50, IReadOnlyDictionary<string, int>? wordDict = null)
        : base(env, "mission", MissionSpace(maxWordsInMission, wordDict ?? MinigridWords))
    {
        WordDict = wordDict ?? MinigridWords;
        MaxWordsInMission = maxWordsInMission;
        _mission = new MissionReader(MiniGridObservation.Dict(env, nameof(DictObservationSpaceWrapper)), nameof(DictObservationSpaceWrapper));
        _indices = new float[maxWordsInMission];
    }

    /// <summary>Minigrid's <c>get_minigrid_words()</c>: colours, objects, verbs and other words, indexed in that order.</summary>
    public static IReadOnlyDictionary<string, int> MinigridWords { get; } = new[]
    {
        "red", "green", "blue", "yellow", "purple", "grey",
        "unseen", "empty", "wall", "floor", "box", "key", "ball", "door", "goal", "agent", "lava",
        "pick", "avoid", "get", "find", "put", "use", "open", "go", "fetch", "reach", "unlock", "traverse",
        "up", "the", "a", "at", ",", "square", "and", "then", "to", "of", "rooms", "near", "opening", "must", "you",
        "matching", "end", "hallway", "object", "from", "room", "maze",
    }.Select((word, index) => (word, index)).ToDictionary(w => w.word, w => w.index, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> WordDict { get; }
    public int MaxWordsInMission { get; }

    private static MultiDiscrete MissionSpace(int maxWordsInMission, IReadOnlyDictionary<string, int> words)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWordsInMission);
        if (words.Count == 0) throw new ArgumentException("The word dictionary is empty.", nameof(words));
        if (words.Values.Min() < 0) throw new ArgumentException("Word indices must be non-negative.", nameof(words));
        return new MultiDiscrete(Enumerable.Repeat(words.Values.Max() + 2, maxWordsInMission).ToArray());
    }

    /// <summary>Minigrid's <c>string_to_indices</c>: each word's index plus <paramref name="offset"/>, commas split off as words.</summary>
    public List<int> StringToIndices(string mission, int offset = 1)
    {
        var indices = new List<int>();
        foreach (string word in mission.Replace(",", " , ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!WordDict.TryGetValue(word, out int index))
                throw new ArgumentException($"{nameof(DictObservationSpaceWrapper)}: unknown word '{word}' in mission \"{mission}\".", nameof(mission));
            indices.Add(index + offset);
        }
        return indices;
    }

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry)
    {
        if (_mission.Changed(observation))
        {
            string mission = _mission.Read(observation);
            List<int> indices = StringToIndices(mission);
            if (indices.Count >= MaxWordsInMission)
                throw new ArgumentException($"{nameof(DictObservationSpaceWrapper)}: mission \"{mission}\" has {indices.Count} words; max_words_in_mission = {MaxWordsInMission} allows at most {MaxWordsInMission - 1}.");
            Array.Clear(_indices);
            for (int i = 0; i < indices.Count; i++) _indices[i] = indices[i];
            _mission.Remember(observation);
        }
        _indices.CopyTo(entry);
    }
}
