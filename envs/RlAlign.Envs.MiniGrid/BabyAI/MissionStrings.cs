using System.Text;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>
/// The mission strings a level has produced, so that a mission seen before is returned as the same string instead
/// of a new one at every reset. Small levels repeat a few dozen missions ("go to the red ball"); the combined
/// instructions of the bigger ones rarely repeat, so the set stops growing at <see cref="Capacity"/> strings and
/// later new missions are created per reset.
/// </summary>
internal sealed class MissionStrings
{
    public const int Capacity = 4096;

    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _buffer = new char[RoomGridLevel.BabyAIMissionMaxLength];

    public MissionStrings() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The string with the content of <paramref name="text"/>: a cached one, or a new one (cached while there is room).</summary>
    public string Get(StringBuilder text)
    {
        if (text.Length > _buffer.Length) _buffer = new char[text.Length];
        Span<char> chars = _buffer.AsSpan(0, text.Length);
        text.CopyTo(0, chars, text.Length);
        if (_lookup.TryGetValue(chars, out string? known)) return known;
        string created = new(chars);
        if (_strings.Count < Capacity) _strings.Add(created);
        return created;
    }
}
