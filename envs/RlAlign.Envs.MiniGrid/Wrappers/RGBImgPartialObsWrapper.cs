using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>RGBImgPartialObsWrapper</c>: the image is the agent's view rendered in RGB,
/// <c>get_frame(tile_size, agent_pov=True)</c>, shape (view·tile, view·tile, 3): the agent at the bottom centre
/// facing up, the cells it sees lightened, the others empty. Direction and mission pass through.
/// </summary>
/// <remarks>
/// Python sizes the space from the inner image's shape; here it is sized from the agent's view, which is
/// what is rendered (the two agree unless the inner image is not the agent's view).
/// </remarks>
public sealed class RGBImgPartialObsWrapper : DictEntryWrapper
{
    private readonly MiniGridEnv _env;

    public RGBImgPartialObsWrapper(IEnv env, int tileSize = 8)
        : base(env, "image", ImageSpace(MiniGridObservation.Unwrap(env, nameof(RGBImgPartialObsWrapper)), tileSize))
    {
        _env = MiniGridObservation.Unwrap(env, nameof(RGBImgPartialObsWrapper));
        TileSize = tileSize;
    }

    public int TileSize { get; }

    private static BoxSpace ImageSpace(MiniGridEnv env, int tileSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileSize);
        (int width, int height) = env.FrameSize(tileSize, agentPov: true);
        return new BoxSpace(0, 255, [height, width, 3], DType.UInt8);
    }

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry) => _env.WriteFrame(entry, TileSize, agentPov: true);
}
