using System.Diagnostics;
using RlAlign.Core;
using RlAlign.Envs.MuJoCo;

// Single-thread env steps/s of each task (unwrapped env, random actions, reset on termination or after
// 1000 steps), to compare with mj_step_bench.c on the same model.
long steps = args.Length > 0 ? long.Parse(args[0]) : 200_000;
string[] ids = args.Length > 1 ? args[1..] :
    ["InvertedPendulum-v5", "InvertedDoublePendulum-v5", "HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "Swimmer-v5", "Reacher-v5", "Pusher-v5"];
foreach (string id in ids)
{
    using var env = (MuJoCoEnv)RlAlign.Core.Envs.Make(id).Unwrapped;
    var observation = new float[env.ObservationSpace.FlatSize];
    var action = new float[env.ActionSpace.FlatSize];
    var box = (RlAlign.Core.Spaces.Box)env.ActionSpace;
    var random = new Random(1);
    env.Reset(observation, seed: 1);
    int episodeSteps = 0, resets = 0;
    var watch = Stopwatch.StartNew();
    for (long i = 0; i < steps; i++)
    {
        for (int j = 0; j < action.Length; j++) action[j] = box.Low[j] + (float)random.NextDouble() * (box.High[j] - box.Low[j]);
        StepResult result = env.Step(action, observation);
        if (result.Terminated || ++episodeSteps == 1000)
        {
            env.Reset(observation);
            episodeSteps = 0;
            resets++;
        }
    }
    double seconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"{id}\tenv_steps/s {steps / seconds:F0}\tmj_step/s {steps * env.FrameSkip / seconds:F0}\tresets {resets}");
}
