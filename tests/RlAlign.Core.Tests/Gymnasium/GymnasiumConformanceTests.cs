using System.Diagnostics;
using NUnit.Framework;
using Python.Runtime;
using RlAlign.Core.Spaces;
using RlAlign.Core.Vector;
using RlAlign.Envs.Classic;
using RlAlign.Envs.Gymnasium;

namespace RlAlign.Core.Tests.Gymnasium;

/// <summary>The bridge against our own envs: a Python CartPole with Gymnasium's dynamics must match the C# one exactly.</summary>
public class GymnasiumConformanceTests
{
    [Test]
    public void PythonCartPoleMatchesCSharpCartPoleStepForStep()
    {
        using GymnasiumEnv python = PythonTestEnvs.Make("CartPoleEnv");
        using var csharp = new CartPoleEnv();
        var random = new System.Random(7);
        float[] pyObs = new float[4], csObs = new float[4];
        int steps = 0;
        for (int episode = 0; episode < 6; episode++)
        {
            // Gymnasium seeds np_random with PCG64(SeedSequence(seed)), which NumpyGenerator reproduces.
            python.Reset(pyObs, seed: (ulong)episode);
            csharp.Reset(csObs, seed: (ulong)episode);
            Assert.That(pyObs, Is.EqualTo(csObs), $"reset of episode {episode}");
            if (episode % 2 == 1)
            {
                double[] state = [random.NextDouble() - 0.5, random.NextDouble() - 0.5, 0.3 * (random.NextDouble() - 0.5), random.NextDouble() - 0.5];
                csharp.SetState(state);
                using (Py.GIL())
                using (var list = new PyList(state.Select(v => (PyObject)new PyFloat(v)).ToArray()))
                    python.PythonEnv.InvokeMethod("set_state", list).Dispose();
            }
            for (int t = 0; t < 500; t++)
            {
                float[] action = [random.Next(2)];
                StepResult pyResult = python.Step(action, pyObs);
                StepResult csResult = csharp.Step(action, csObs);
                steps++;
                Assert.That(pyObs, Is.EqualTo(csObs), $"observation at episode {episode}, step {t}");
                Assert.That(pyResult, Is.EqualTo(csResult), $"result at episode {episode}, step {t}");
                if (csResult.Terminated) break;
            }
            Assert.That(PythonState(python), Is.EqualTo(csharp.State), $"float64 state at the end of episode {episode}");
        }
        Assert.That(steps, Is.GreaterThan(60));
    }

    [Test]
    public void SyncVectorEnvOfBridgedEnvsMatchesCSharp()
    {
        using var python = new SyncVectorEnv(_ => PythonTestEnvs.Make("CartPoleEnv"), 3);
        using var csharp = new SyncVectorEnv(_ => new CartPoleEnv(), 3);
        RunSideBySide(python, csharp, steps: 300);
    }

    [Test]
    public void ThreadedVectorEnvOfBridgedEnvsMatchesCSharp()
    {
        using var python = new ThreadedVectorEnv(_ => PythonTestEnvs.Make("CartPoleEnv"), 4, workerCount: 2);
        using var csharp = new SyncVectorEnv(_ => new CartPoleEnv(), 4);
        RunSideBySide(python, csharp, steps: 300);
    }

    [Test]
    public void ThreadedVectorEnvReportsThePythonException()
    {
        using var vector = new ThreadedVectorEnv(i => PythonTestEnvs.Make("BadEnv", i == 2 ? "raise" : "ok"), 4, workerCount: 2);
        vector.Reset(seed: 0);
        var e = Assert.Throws<VectorEnvException>(() => vector.Step(new float[4]));
        Assert.That(e!.EnvIndex, Is.EqualTo(2));
        Assert.That(e.InnerException, Is.TypeOf<GymnasiumEnvException>().With.Message.Contain("the pole broke"));
    }

    [Test]
    public void GymIdCallsGymnasiumMakeWithTheOptions()
    {
        PythonTestEnvs.Require();
        PyObject? previous = null;
        PyObject fake;
        using (Py.GIL())
        {
            using PyObject module = Py.Import(PythonTestEnvs.ModuleName);
            fake = module.InvokeMethod("fake_gymnasium");
            using PyObject sys = Py.Import("sys");
            using PyObject modules = sys.GetAttr("modules");
            if (modules.HasAttr("__contains__") && modules.InvokeMethod("__contains__", new PyString("gymnasium")).IsTrue())
                previous = modules.GetItem("gymnasium");
            modules.SetItem("gymnasium", fake);
        }
        try
        {
            using (GymnasiumEnv env = GymnasiumEnvs.Make("gym:CartPole-v1", new EnvOptions { ["max_episode_steps"] = 50 }))
            {
                Assert.That(env.Spec!.Id, Is.EqualTo("gym:CartPole-v1"));
                Assert.That(env.ActionSpace, Is.TypeOf<Discrete>());
                var obs = new float[4];
                env.Reset(obs, seed: 3);
                Assert.That(env.Step([1f], obs).Reward, Is.EqualTo(1.0));
            }
            // The registry routes gym: ids to gymnasium.make as well.
            using (IEnv viaRegistry = Core.Envs.Make("gym:CartPole-v1"))
                Assert.That(viaRegistry.Unwrapped, Is.TypeOf<GymnasiumEnv>());
            using (Py.GIL())
            using (PyObject calls = fake.GetAttr("calls"))
                Assert.That(calls.Repr(), Is.EqualTo("[('CartPole-v1', {'max_episode_steps': 50}), ('CartPole-v1', {})]"));
            var e = Assert.Throws<GymnasiumEnvException>(() => Core.Envs.Make("gym:NoSuchEnv-v0"));
            Assert.That(e!.Message, Does.Contain("KeyError").And.Contain("gymnasium.make('NoSuchEnv-v0')").And.Contain("doesn't exist"));
        }
        finally
        {
            using (Py.GIL())
            {
                using PyObject sys = Py.Import("sys");
                using PyObject modules = sys.GetAttr("modules");
                if (previous is not null) modules.SetItem("gymnasium", previous);
                else modules.DelItem("gymnasium");
                previous?.Dispose();
                fake.Dispose();
            }
        }
    }

    [Test]
    public void GymIdUsesTheRealGymnasiumWhereInstalled()
    {
        try
        {
            PythonRuntime.EnsureInitialized();
        }
        catch (PythonNotAvailableException)
        {
            // Without libpython, gym:ids fail with what to install, and nothing crashes.
            var missing = Assert.Throws<PythonNotAvailableException>(() => GymnasiumEnvs.Make("gym:CartPole-v1"));
            Assert.That(missing!.Message, Does.Contain("apt-get install").And.Contain("RLALIGN_PYTHON"));
            Assert.Ignore($"Python is not available here ({missing.Message}); checked only the error message.");
        }
        PythonTestEnvs.Require();
        bool installed;
        using (Py.GIL())
        {
            try { Py.Import("gymnasium").Dispose(); installed = true; }
            catch (PythonException) { installed = false; }
        }
        if (!installed)
        {
            // Without gymnasium, gym:ids must say what to install rather than fail obscurely.
            var e = Assert.Throws<PythonNotAvailableException>(() => GymnasiumEnvs.Make("gym:CartPole-v1"));
            Assert.That(e!.Message, Does.Contain("pip install gymnasium").And.Contain("RLALIGN_PYTHON"));
            Assert.Ignore("The Python package gymnasium is not installed (pip install gymnasium); checked only its error message.");
        }
        using GymnasiumEnv python = GymnasiumEnvs.Make("gym:CartPole-v1");
        using var csharp = new CartPoleEnv();
        float[] pyObs = new float[4], csObs = new float[4];
        python.Reset(pyObs, seed: 11);
        csharp.Reset(csObs, seed: 11);
        Assert.That(pyObs, Is.EqualTo(csObs));
        var random = new System.Random(3);
        for (int t = 0; t < 200; t++)
        {
            float[] action = [random.Next(2)];
            StepResult pyResult = python.Step(action, pyObs);
            StepResult csResult = csharp.Step(action, csObs);
            Assert.That(pyObs, Is.EqualTo(csObs), $"step {t}");
            Assert.That(pyResult.Terminated, Is.EqualTo(csResult.Terminated));
            if (csResult.Terminated) break;
        }
    }

    [Test, Explicit("Benchmark: prints the bridge's steps per second; run on demand.")]
    public void BridgeStepsPerSecond()
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("TrivialEnv");
        var obs = new float[4];
        float[] action = [1f];
        env.Reset(obs);
        for (int i = 0; i < 20_000; i++) env.Step(action, obs);
        const int steps = 300_000;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) env.Step(action, obs);
        clock.Stop();
        double sps = steps / clock.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"Gymnasium bridge, trivial Python env: {sps:N0} steps/s ({clock.Elapsed.TotalMilliseconds * 1000 / steps:F2} µs/step, {steps} steps, one thread)");
        Assert.That(sps, Is.GreaterThan(1000));
    }

    private static double[] PythonState(GymnasiumEnv env)
    {
        using (Py.GIL())
        {
            using PyObject state = env.PythonEnv.GetAttr("state");
            using PyObject list = state.InvokeMethod("tolist");
            return Enumerable.Range(0, (int)list.Length()).Select(i => { using PyObject v = list.GetItem(i); return v.As<double>(); }).ToArray();
        }
    }

    private static void RunSideBySide(IVectorEnv python, IVectorEnv csharp, int steps)
    {
        python.Reset(seed: 10);
        csharp.Reset(seed: 10);
        Assert.That(python.Observations, Is.EqualTo(csharp.Observations));
        var random = new System.Random(1);
        var actions = new float[python.NumEnvs];
        int episodesEnded = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < actions.Length; i++) actions[i] = random.Next(2);
            python.Step(actions);
            csharp.Step(actions);
            Assert.That(python.Observations, Is.EqualTo(csharp.Observations), $"step {t}");
            Assert.That(python.Rewards, Is.EqualTo(csharp.Rewards), $"step {t}");
            Assert.That(python.Terminations, Is.EqualTo(csharp.Terminations), $"step {t}");
            for (int i = 0; i < python.NumEnvs; i++)
            {
                if (!csharp.Terminations[i]) continue;
                episodesEnded++;
                Assert.That(python.FinalObservations.AsSpan(i * 4, 4).ToArray(), Is.EqualTo(csharp.FinalObservations.AsSpan(i * 4, 4).ToArray()));
            }
        }
        Assert.That(episodesEnded, Is.GreaterThan(3), "autoreset was exercised");
    }
}
