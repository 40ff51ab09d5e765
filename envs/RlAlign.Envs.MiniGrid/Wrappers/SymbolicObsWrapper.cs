using RlAlign.Core;
using RlAlign.Core.Spaces;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>SymbolicObsWrapper</c>: the image is the whole grid as symbols (x, y, type), shape
/// (width, height, 3) indexed [x, y, channel], with type <c>OBJECT_TO_IDX[obj.type]</c>, −1 for an empty
/// cell and 10 (<c>OBJECT_TO_IDX['agent']</c>) at the agent. Colours and door states are not encoded.
/// </summary>
/// <remarks>
/// Python declares the image as <c>Box(0, 10, uint8)</c> although the array it returns is int64 and holds
/// −1 and coordinates up to the grid size; here the space bounds each channel by what it really holds.
/// </remarks>
public sealed class SymbolicObsWrapper : DictEntryWrapper
{
    private const int EmptyCell = -1;
    private readonly MiniGridEnv _env;

    public SymbolicObsWrapper(IEnv env) : base(env, "image", ImageSpace(MiniGridObservation.Unwrap(env, nameof(SymbolicObsWrapper))))
        => _env = MiniGridObservation.Unwrap(env, nameof(SymbolicObsWrapper));

    private static BoxSpace ImageSpace(MiniGridEnv env)
    {
        int cells = env.Width * env.Height;
        var low = new float[cells * 3];
        var high = new float[cells * 3];
        for (int cell = 0; cell < cells; cell++)
        {
            low[3 * cell + 2] = EmptyCell;
            high[3 * cell] = env.Width - 1;
            high[3 * cell + 1] = env.Height - 1;
            high[3 * cell + 2] = (float)ObjectType.Agent;
        }
        return new BoxSpace(low, high, [env.Width, env.Height, 3], DType.Int64);
    }

    protected override void WriteEntry(ReadOnlySpan<float> observation, Span<float> entry)
    {
        int width = _env.Width, height = _env.Height;
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++)
            {
                int at = (x * height + y) * 3;
                entry[at] = x;
                entry[at + 1] = y;
                entry[at + 2] = _env.Grid.Get(x, y) is WorldObject cell ? (float)cell.Type : EmptyCell;
            }
        }
        (int agentX, int agentY) = _env.AgentPosition;
        entry[(agentX * height + agentY) * 3 + 2] = (float)ObjectType.Agent;
    }
}
