using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>FullyObsWrapper</c>: the image is the whole grid's encoding (<c>grid.encode()</c>, shape
/// (width, height, 3), indexed [x, y, channel]) instead of the agent's view, with the agent's cell set to
/// (<c>OBJECT_TO_IDX['agent']</c>, <c>COLOR_TO_IDX['red']</c>, direction) = (10, 0, direction).
/// Direction and mission pass through.
/// </summary>
public sealed class FullyObsWrapper : DictEntryWrapper
{
    private readonly MiniGridEnv _env;

    public FullyObsWrapper(IEnv env) : base(env, "image", ImageSpace(MiniGridObservation.Unwrap(env, nameof(FullyObsWrapper))))
        => _env = MiniGridObservation.Unwrap(env, nameof(FullyObsWrapper));

    private static BoxSpace ImageSpace(MiniGridEnv env) => new(0, 255, [env.Width, env.Height, 3], DType.UInt8);

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry)
    {
        int width = _env.Width, height = _env.Height;
        (int agentX, int agentY) = _env.AgentPosition;
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++)
            {
                CellEncoding cell = x == agentX && y == agentY
                    ? new CellEncoding((byte)ObjectType.Agent, (byte)ObjectColor.Red, (byte)_env.AgentDirection)
                    : _env.Grid.Encode(x, y);
                int at = (x * height + y) * 3;
                entry[at] = cell.Type;
                entry[at + 1] = cell.Color;
                entry[at + 2] = cell.State;
            }
        }
    }
}
