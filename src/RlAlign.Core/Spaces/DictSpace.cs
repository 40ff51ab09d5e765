using RlAlign.Core.Random;

namespace RlAlign.Core.Spaces;

/// <summary>
/// <c>Dict</c>: named sub-spaces. Keys are sorted as Gymnasium sorts them; a flat value is the
/// concatenation of the sub-values in key order (<see cref="OffsetOf"/> gives each one's position).
/// </summary>
public sealed class DictSpace : Space
{
    private static readonly int[] ScalarShape = [];
    private readonly KeyValuePair<string, Space>[] _entries;
    private readonly int[] _offsets;

    public DictSpace(IEnumerable<KeyValuePair<string, Space>> spaces)
    {
        _entries = spaces.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        if (_entries.Length == 0) throw new ArgumentException("Dict needs at least one sub-space.");
        _offsets = new int[_entries.Length];
        int offset = 0, flatDim = 0;
        for (int i = 0; i < _entries.Length; i++)
        {
            _offsets[i] = offset;
            offset += _entries[i].Value.FlatSize;
            flatDim += _entries[i].Value.FlatDim;
        }
        FlatSize = offset;
        FlatDim = flatDim;
    }

    public DictSpace(params (string Key, Space Space)[] spaces)
        : this(spaces.Select(s => new KeyValuePair<string, Space>(s.Key, s.Space))) { }

    public IReadOnlyList<KeyValuePair<string, Space>> Spaces => _entries;
    public override IReadOnlyList<int> Shape => ScalarShape;
    public override int FlatSize { get; }
    public override int FlatDim { get; }

    public Space this[string key] => _entries[IndexOf(key)].Value;

    /// <summary>Where the value of <paramref name="key"/> starts in a flat value.</summary>
    public int OffsetOf(string key) => _offsets[IndexOf(key)];

    public override void Sample(NumpyGenerator rng, Span<float> destination)
    {
        for (int i = 0; i < _entries.Length; i++)
            _entries[i].Value.Sample(rng, destination.Slice(_offsets[i], _entries[i].Value.FlatSize));
    }

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != FlatSize) return false;
        for (int i = 0; i < _entries.Length; i++)
            if (!_entries[i].Value.Contains(value.Slice(_offsets[i], _entries[i].Value.FlatSize))) return false;
        return true;
    }

    public override void Flatten(ReadOnlySpan<float> value, Span<float> destination)
    {
        int written = 0;
        for (int i = 0; i < _entries.Length; i++)
        {
            Space space = _entries[i].Value;
            space.Flatten(value.Slice(_offsets[i], space.FlatSize), destination[written..]);
            written += space.FlatDim;
        }
    }

    public override string ToString() => $"Dict({string.Join(", ", _entries.Select(e => $"'{e.Key}': {e.Value}"))})";

    private int IndexOf(string key)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].Key == key) return i;
        throw new KeyNotFoundException($"Dict has no key '{key}'; keys: {string.Join(", ", _entries.Select(e => e.Key))}.");
    }
}
