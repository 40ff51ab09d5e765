using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>RGBImgObsWrapper</c>: the image is the fully observable RGB frame,
/// <c>get_frame(highlight=env.highlight, tile_size)</c>, shape (height·tile, width·tile, 3) with rows of pixels
/// first. Direction and mission pass through.
/// </summary>
public sealed class RGBImgObsWrapper : DictEntryWrapper
{
    private readonly MiniGridEnv _env;

    public RGBImgObsWrapper(IEnv env, int tileSize = 8) : base(env, "image", ImageSpace(MiniGridObservation.Unwrap(env, nameof(RGBImgObsWrapper)), tileSize))
    {
        _env = MiniGridObservation.Unwrap(env, nameof(RGBImgObsWrapper));
        TileSize = tileSize;
    }

    public int TileSize { get; }

    private static BoxSpace ImageSpace(MiniGridEnv env, int tileSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileSize);
        (int width, int height) = env.FrameSize(tileSize);
        return new BoxSpace(0, 255, [height, width, 3], DType.UInt8);
    }

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry) => _env.WriteFrame(entry, TileSize, _env.Highlight);
}
