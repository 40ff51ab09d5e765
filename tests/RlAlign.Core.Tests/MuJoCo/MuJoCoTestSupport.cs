using NUnit.Framework;
using RlAlign.Envs.MuJoCo;

namespace RlAlign.Core.Tests.MuJoCo;

internal static class MuJoCoTestSupport
{
    /// <summary>Skips the calling test, with what to install, where libmujoco or the build-time shim is missing.</summary>
    public static void RequireMuJoCo()
    {
        if (!MuJoCoLibrary.IsAvailable)
            Assert.Ignore($"MuJoCo is not available on this machine: {MuJoCoLibrary.UnavailableReason}");
    }

    /// <summary>The v5 tasks this assembly implements, with (nq, nv, nu, observation size, frame_skip, timestep).</summary>
    public static readonly object[] Tasks =
    [
        new object[] { "InvertedPendulum-v5", 2, 2, 1, 4, 2, 0.02 },
        new object[] { "InvertedDoublePendulum-v5", 3, 3, 1, 9, 5, 0.01 },
        new object[] { "HalfCheetah-v5", 9, 9, 6, 17, 5, 0.01 },
        new object[] { "Hopper-v5", 6, 6, 3, 11, 4, 0.002 },
        new object[] { "Walker2d-v5", 9, 9, 6, 17, 4, 0.002 },
        new object[] { "Ant-v5", 15, 14, 8, 105, 5, 0.01 },
        new object[] { "Humanoid-v5", 24, 23, 17, 348, 5, 0.003 },
        new object[] { "Swimmer-v5", 5, 5, 2, 8, 4, 0.01 },
        new object[] { "Reacher-v5", 4, 4, 2, 10, 2, 0.01 },
        new object[] { "Pusher-v5", 11, 11, 7, 23, 5, 0.01 },
    ];

    public static readonly string[] Ids =
        ["InvertedPendulum-v5", "InvertedDoublePendulum-v5", "HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "Swimmer-v5", "Reacher-v5", "Pusher-v5"];

    public static MuJoCoEnv MakeUnwrapped(string id, EnvOptions? options = null)
    {
        RequireMuJoCo();
        return (MuJoCoEnv)Core.Envs.Make(id, options).Unwrapped;
    }

    /// <summary>A fixed pseudo-random action inside the action space.</summary>
    public static void RandomAction(System.Random random, MuJoCoEnv env, Span<float> action)
    {
        var box = (Core.Spaces.Box)env.ActionSpace;
        for (int i = 0; i < action.Length; i++)
            action[i] = box.Low[i] + (float)random.NextDouble() * (box.High[i] - box.Low[i]);
    }
}
