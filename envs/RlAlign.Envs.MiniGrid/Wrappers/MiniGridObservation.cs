using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>What Minigrid's wrappers look up in the env they wrap, with errors that say what is missing.</summary>
internal static class MiniGridObservation
{
    /// <summary>Python's <c>self.unwrapped</c>, which these wrappers read the grid and agent from.</summary>
    public static MiniGridEnv Unwrap(IEnv env, string wrapper)
        => env.Unwrapped as MiniGridEnv
            ?? throw new ArgumentException($"{wrapper} wraps MiniGrid envs, but the innermost env is a {env.Unwrapped.GetType().Name}.", nameof(env));

    /// <summary>The wrapped env's Dict observation space (image, direction, mission and whatever other wrappers added).</summary>
    public static DictSpace Dict(IEnv env, string wrapper)
        => env.ObservationSpace as DictSpace
            ?? throw new ArgumentException($"{wrapper} needs the Dict observation of a MiniGrid env, but the observation space is {env.ObservationSpace}: "
                + "put it inside (before) wrappers that replace the Dict, such as ImgObsWrapper and FlatObsWrapper.", nameof(env));

    /// <summary>The Dict entry <paramref name="key"/>, which must be a <typeparamref name="TSpace"/>.</summary>
    public static (int Offset, TSpace Space) Entry<TSpace>(DictSpace dict, string key, string wrapper) where TSpace : Space
    {
        if (!dict.Spaces.Any(e => e.Key == key))
            throw new ArgumentException($"{wrapper} needs an observation entry '{key}'; the observation space is {dict}.");
        return dict[key] is TSpace space
            ? (dict.OffsetOf(key), space)
            : throw new ArgumentException($"{wrapper} needs observation entry '{key}' to be a {typeof(TSpace).Name}, but it is {dict[key]}.");
    }

    /// <summary>The image entry, which must be a (width, height, channels) box.</summary>
    public static (int Offset, BoxSpace Space) Image(DictSpace dict, string wrapper)
    {
        (int offset, BoxSpace image) = Entry<BoxSpace>(dict, "image", wrapper);
        if (image.Shape.Count != 3)
            throw new ArgumentException($"{wrapper} needs a (width, height, channels) image, but the image space is {image}.");
        return (offset, image);
    }
}

/// <summary>
/// Reads the mission string from a flat Dict observation and tells whether it changed since it was last
/// remembered, so that a wrapper re-encodes it only then (FlatObsWrapper's <c>cachedStr</c>): missions
/// change on reset at most, so steps read nothing and allocate nothing.
/// </summary>
internal sealed class MissionReader
{
    private readonly Text _space;
    private readonly int _offset;
    private readonly float[] _remembered;
    private bool _hasRemembered;

    public MissionReader(DictSpace dict, string wrapper)
    {
        (_offset, _space) = MiniGridObservation.Entry<Text>(dict, "mission", wrapper);
        _remembered = new float[_space.FlatSize];
    }

    public bool Changed(ReadOnlySpan<float> observation) => !_hasRemembered || !Encoded(observation).SequenceEqual(_remembered);

    public string Read(ReadOnlySpan<float> observation) => _space.Decode(Encoded(observation));

    /// <summary>Marks the observation's mission as handled; call only once it was encoded successfully.</summary>
    public void Remember(ReadOnlySpan<float> observation)
    {
        Encoded(observation).CopyTo(_remembered);
        _hasRemembered = true;
    }

    private ReadOnlySpan<float> Encoded(ReadOnlySpan<float> observation) => observation.Slice(_offset, _space.FlatSize);
}
