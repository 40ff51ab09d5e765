using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>OneHotPartialObsWrapper</c>: each cell (type, color, state) of the image becomes 20 bits, a
/// one-hot type (11 values), then a one-hot colour (6), then a one-hot state (3), so the image is
/// (width, height, 20). Direction and mission pass through.
/// </summary>
/// <remarks>Python's unused <c>tile_size</c> argument is left out.</remarks>
public sealed class OneHotPartialObsWrapper : DictEntryWrapper
{
    /// <summary>Minigrid's <c>len(OBJECT_TO_IDX)</c>, <c>len(COLOR_TO_IDX)</c> and <c>len(STATE_TO_IDX)</c>.</summary>
    public const int TypeCount = 11, ColorCount = 6, StateCount = 3;

    /// <summary>Bits per cell.</summary>
    public const int BitsPerCell = TypeCount + ColorCount + StateCount;

    private readonly int _imageOffset, _cellCount, _height;

    public OneHotPartialObsWrapper(IEnv env) : base(env, "image", ImageSpace(InnerImage(env).Space))
    {
        (_imageOffset, BoxSpace image) = InnerImage(env);
        _cellCount = image.Shape[0] * image.Shape[1];
        _height = image.Shape[1];
    }

    private static (int Offset, BoxSpace Space) InnerImage(IEnv env)
    {
        (int offset, BoxSpace image) = MiniGridObservation.Image(MiniGridObservation.Dict(env, nameof(OneHotPartialObsWrapper)), nameof(OneHotPartialObsWrapper));
        if (image.Shape[2] != 3)
            throw new ArgumentException($"{nameof(OneHotPartialObsWrapper)} needs an image of (type, color, state) cells, but the image space is {image}.", nameof(env));
        return (offset, image);
    }

    private static BoxSpace ImageSpace(BoxSpace image) => new(0, 255, [image.Shape[0], image.Shape[1], BitsPerCell], DType.UInt8);

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry)
    {
        ReadOnlySpan<float> image = observation.Slice(_imageOffset, _cellCount * 3);
        entry.Clear();
        for (int cell = 0; cell < _cellCount; cell++)
        {
            int type = (int)image[3 * cell], color = (int)image[3 * cell + 1], state = (int)image[3 * cell + 2];
            if ((uint)type >= TypeCount || (uint)color >= ColorCount || (uint)state >= StateCount)
                throw new InvalidOperationException(
                    $"{nameof(OneHotPartialObsWrapper)}: image cell [{cell / _height}, {cell % _height}] is (type {type}, color {color}, state {state}), "
                    + $"outside Minigrid's {TypeCount} types, {ColorCount} colours and {StateCount} states (a FullyObsWrapper image holds the agent's direction as its state, which can be 3).");
            int bits = cell * BitsPerCell;
            entry[bits + type] = 1;
            entry[bits + TypeCount + color] = 1;
            entry[bits + TypeCount + ColorCount + state] = 1;
        }
    }
}
