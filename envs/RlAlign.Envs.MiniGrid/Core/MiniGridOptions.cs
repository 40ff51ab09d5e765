using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid;

/// <summary>Reads the keyword options every MiniGrid env accepts.</summary>
internal static class MiniGridOptions
{
    public static int AgentViewSize(EnvOptions options) => options.Get("agent_view_size", 7);
}
