using RlAlign.Core;
using RlAlign.Core.Wrappers;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>
/// Minigrid's <c>NoDeath</c>: when an episode would end because the agent walked into, or stands on, a cell
/// of one of <c>no_death_types</c> (lava, or Dynamic-Obstacles' balls), it goes on instead and the reward gets
/// <c>death_cost</c> added. The cell ahead is read before the step, because obstacles move during it.
/// </summary>
public sealed class NoDeath : Wrapper
{
    private readonly MiniGridEnv _env;
    private readonly bool[] _isDeathType = new bool[(int)ObjectType.Agent + 1];

    public NoDeath(IEnv env, IEnumerable<ObjectType> noDeathTypes, double deathCost = -1.0) : base(env)
    {
        _env = MiniGridObservation.Unwrap(env, nameof(NoDeath));
        NoDeathTypes = noDeathTypes.Distinct().ToArray();
        if (NoDeathTypes.Contains(ObjectType.Goal)) throw new ArgumentException("NoDeath: goal cannot be a death cell.", nameof(noDeathTypes));
        foreach (ObjectType type in NoDeathTypes)
        {
            if ((int)type >= _isDeathType.Length) throw new ArgumentOutOfRangeException(nameof(noDeathTypes), type, "NoDeath: not a Minigrid object type.");
            _isDeathType[(int)type] = true;
        }
        DeathCost = deathCost;
    }

    public IReadOnlyList<ObjectType> NoDeathTypes { get; }
    public double DeathCost { get; }

    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        // Before the first reset there is no agent; the env's own Step reports that.
        if (_env.AgentDirection < 0) return Env.Step(action, observation);
        (int frontX, int frontY) = _env.FrontPosition;
        bool goingToDeath = action.Length == 1 && action[0] == (float)MiniGridAction.Forward && IsDeathCell(frontX, frontY);

        StepResult result = Env.Step(action, observation);

        // The agent may also already stand on a death cell (e.g. lava) and stay there.
        (int x, int y) = _env.AgentPosition;
        if (result.Terminated && (goingToDeath || IsDeathCell(x, y)))
            return result with { Terminated = false, Reward = result.Reward + DeathCost };
        return result;
    }

    private bool IsDeathCell(int x, int y) => _env.Grid.Contains(x, y) && _env.Grid.Get(x, y) is WorldObject cell && _isDeathType[(int)cell.Type];
}
