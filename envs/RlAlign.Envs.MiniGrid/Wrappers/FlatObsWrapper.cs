using RlAlign.Core;
using RlAlign.Core.Spaces;
using RlAlign.Core.Wrappers;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>FlatObsWrapper</c>: one flat vector, the image flattened, then the mission one-hot encoded
/// as <c>maxStrLen</c> rows of 28 character codes (a–z → 0–25, space → 26, comma → 27; upper case is
/// lowered first; unused rows are zero). A mission with any other character, or longer than
/// <c>maxStrLen</c>, is an error, as in Python.
/// </summary>
public sealed class FlatObsWrapper : ObservationWrapper
{
    /// <summary>Minigrid's <c>numCharCodes</c>.</summary>
    public const int NumCharCodes = 28;

    private const int SpaceCode = 26, CommaCode = 27;

    private readonly int _imageOffset, _imageSize;
    private readonly MissionReader _mission;
    private readonly float[] _missionCodes;

    public FlatObsWrapper(IEnv env, int maxStrLen = 96) : base(env)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStrLen);
        DictSpace dict = MiniGridObservation.Dict(env, nameof(FlatObsWrapper));
        (_imageOffset, BoxSpace image) = MiniGridObservation.Image(dict, nameof(FlatObsWrapper));
        _imageSize = image.FlatSize;
        _mission = new MissionReader(dict, nameof(FlatObsWrapper));
        MaxStrLen = maxStrLen;
        _missionCodes = new float[maxStrLen * NumCharCodes];
        ObservationSpace = new BoxSpace(0, 255, [_imageSize + _missionCodes.Length], DType.UInt8);
    }

    public override Space ObservationSpace { get; }

    /// <summary>The longest mission the encoding holds (Minigrid's <c>maxStrLen</c>).</summary>
    public int MaxStrLen { get; }

    /// <summary>The code of one mission character: 0–25 for a–z, 26 for a space, 27 for a comma, −1 for anything else.</summary>
    public static int CharCode(char c) => c switch
    {
        >= 'a' and <= 'z' => c - 'a',
        ' ' => SpaceCode,
        ',' => CommaCode,
        _ => -1,
    };

    /// <summary>Writes the one-hot encoding of <paramref name="mission"/> (<c>maxStrLen</c> × 28 values) into <paramref name="destination"/>.</summary>
    public void EncodeMission(string mission, Span<float> destination)
    {
        if (mission.Length > MaxStrLen)
            throw new ArgumentException($"{nameof(FlatObsWrapper)}: mission string too long ({mission.Length} chars; maxStrLen is {MaxStrLen}): \"{mission}\".", nameof(mission));
        string lower = mission.ToLowerInvariant();
        // Check every character before writing, so a failure leaves the destination as it was.
        for (int i = 0; i < lower.Length; i++)
        {
            if (CharCode(lower[i]) < 0)
                throw new ArgumentException($"{nameof(FlatObsWrapper)}: character '{mission[i]}' (position {i}) of mission \"{mission}\" is not available: "
                    + "only letters, spaces and commas can be encoded.", nameof(mission));
        }
        destination[..(MaxStrLen * NumCharCodes)].Clear();
        for (int i = 0; i < lower.Length; i++) destination[i * NumCharCodes + CharCode(lower[i])] = 1;
    }

    protected override void Observation(ReadOnlySpan<float> observation, Span<float> destination)
    {
        if (_mission.Changed(observation))
        {
            EncodeMission(_mission.Read(observation), _missionCodes);
            _mission.Remember(observation);
        }
        observation.Slice(_imageOffset, _imageSize).CopyTo(destination);
        _missionCodes.CopyTo(destination[_imageSize..]);
    }
}
