using RlAlign.Core;
using RlAlign.Core.Spaces;
using RlAlign.Core.Wrappers;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// An observation wrapper that passes the inner Dict observation through but for one entry, which it
/// writes itself (Python's <c>{**obs, key: value}</c>): the entry replaces the inner one of that name, or is
/// added in sorted key order when there is none. The other entries are copied, so the step allocates nothing.
/// </summary>
public abstract class DictEntryWrapper : ObservationWrapper
{
    private readonly (int From, int To, int Length)[] _copies;
    private readonly int _entryOffset, _entryLength;

    protected DictEntryWrapper(IEnv env, string key, Space entrySpace) : base(env)
    {
        DictSpace inner = MiniGridObservation.Dict(env, GetType().Name);
        KeyValuePair<string, Space>[] kept = inner.Spaces.Where(e => e.Key != key).ToArray();
        var outer = new DictSpace(kept.Append(new KeyValuePair<string, Space>(key, entrySpace)));
        ObservationSpace = outer;
        _copies = kept.Select(e => (inner.OffsetOf(e.Key), outer.OffsetOf(e.Key), e.Value.FlatSize)).ToArray();
        _entryOffset = outer.OffsetOf(key);
        _entryLength = entrySpace.FlatSize;
        Key = key;
    }

    public override Space ObservationSpace { get; }

    /// <summary>The entry this wrapper writes.</summary>
    public string Key { get; }

    protected sealed override void Observation(ReadOnlySpan<float> observation, Span<float> destination)
    {
        foreach ((int from, int to, int length) in _copies) observation.Slice(from, length).CopyTo(destination.Slice(to, length));
        WriteEntry(observation, destination.Slice(_entryOffset, _entryLength));
    }

    /// <summary>Writes the entry (its space's <c>FlatSize</c> floats), given the inner observation.</summary>
    protected abstract void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry);
}
