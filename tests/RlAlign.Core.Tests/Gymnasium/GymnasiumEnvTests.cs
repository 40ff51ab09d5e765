using NUnit.Framework;
using Python.Runtime;
using RlAlign.Core.Spaces;
using RlAlign.Envs.Classic;
using RlAlign.Envs.Gymnasium;

namespace RlAlign.Core.Tests.Gymnasium;

public class GymnasiumEnvTests
{
    [Test]
    public void SpacesOfCartPoleAreTranslated()
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("CartPoleEnv");
        var box = (Box)env.ObservationSpace;
        var reference = (Box)new CartPoleEnv().ObservationSpace;
        Assert.That(box.Shape, Is.EqualTo(new[] { 4 }));
        Assert.That(box.DType, Is.EqualTo(DType.Float32));
        Assert.That(box.Low, Is.EqualTo(reference.Low));
        Assert.That(box.High, Is.EqualTo(reference.High));
        Assert.That(env.ActionSpace, Is.TypeOf<Discrete>().With.Property(nameof(Discrete.N)).EqualTo(2));
    }

    [Test]
    public void DictTupleMultiDiscreteAndMultiBinaryRoundTrip()
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("StructuredEnv");
        var action = (DictSpace)env.ActionSpace;
        Assert.That(action.Spaces.Select(kv => kv.Key), Is.EqualTo(new[] { "0", "1", "2", "3" }));
        Assert.That(action["0"], Is.TypeOf<Discrete>().With.Property(nameof(Discrete.Start)).EqualTo(1));
        Assert.That(((Box)action["1"]).DType, Is.EqualTo(DType.Float64));
        Assert.That(((MultiDiscrete)action["2"]).Nvec, Is.EqualTo(new[] { 4, 5 }));
        Assert.That(((MultiDiscrete)action["3"]).Nvec, Is.EqualTo(new[] { 2, 2, 2 }));
        var observation = (DictSpace)env.ObservationSpace;
        Assert.That(observation.Spaces.Select(kv => kv.Key), Is.EqualTo(new[] { "echo", "grid", "t" }));
        Assert.That(((Box)observation["grid"]).DType, Is.EqualTo(DType.UInt8));
        Assert.That(observation.FlatSize, Is.EqualTo(8 + 6 + 1));

        var obs = new float[observation.FlatSize];
        var options = new EnvOptions { ["difficulty"] = 2, ["fast"] = true };
        env.Reset(obs, seed: 5, options: options);
        Assert.That(obs[14], Is.EqualTo(0f));
        Assert.That(obs.AsSpan(8, 6).ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }));
        using (Py.GIL())
        using (PyObject lastOptions = env.PythonEnv.GetAttr("last_options"))
            Assert.That(lastOptions.Repr(), Is.EqualTo("{'difficulty': 2, 'fast': True}"));

        float[] act = [2, 0.5f, -1f, 3, 4, 1, 0, 1];
        StepResult result = env.Step(act, obs);
        Assert.That(obs.AsSpan(0, 8).ToArray(), Is.EqualTo(act), "the observation echoes the action");
        Assert.That(obs.AsSpan(8, 6).ToArray(), Is.EqualTo(new float[] { 0, 2, 4, 6, 8, 10 }));
        Assert.That(obs[14], Is.EqualTo(1f));
        Assert.That(result, Is.EqualTo(new StepResult(0.5, false, false)), "a numpy float32 reward converts");

        env.Step(act, obs);
        result = env.Step(act, obs);
        Assert.That(result.Terminated, Is.True, "numpy.bool_ terminated converts");
        Assert.That(result.Reward, Is.EqualTo(1.5));
    }

    [Test]
    public void ActionOutsideTheSpaceIsRejectedBeforePython()
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("CartPoleEnv");
        var obs = new float[4];
        env.Reset(obs, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([2f], obs));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([float.NaN], obs));
        Assert.Throws<ArgumentException>(() => env.Step([0f, 1f], obs));
        Assert.Throws<ArgumentException>(() => env.Step([0f], new float[3]));
    }

    [TestCase("old_step", "returned a tuple of 4 values", "old Gym API")]
    [TestCase("old_reset", "reset returned a numpy.ndarray", "(observation, info)")]
    [TestCase("reward_str", "reward a str '1.0'", "must be a number")]
    [TestCase("terminated_float", "terminated = a float 0.0", "must be a bool")]
    [TestCase("info_list", "info a list []", "must be a dict")]
    [TestCase("obs_wrong_size", "has 3 values", "space holds 2")]
    [TestCase("obs_str", "step observation is a str", "numpy cannot turn")]
    public void ApiViolationsAreClearErrors(string mode, string fragment1, string fragment2)
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("BadEnv", mode);
        var obs = new float[2];
        var e = Assert.Throws<GymnasiumApiException>(() =>
        {
            env.Reset(obs);
            env.Step([0f], obs);
        });
        Assert.That(e!.Message, Does.Contain("BadEnv").And.Contain(fragment1).And.Contain(fragment2));
    }

    [Test]
    public void PythonExceptionCarriesTheTraceback()
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("BadEnv", "raise");
        var obs = new float[2];
        env.Reset(obs);
        var e = Assert.Throws<GymnasiumEnvException>(() => env.Step([1f], obs));
        Assert.That(e!.PythonType, Is.EqualTo("ValueError"));
        Assert.That(e.Message, Does.Contain("ValueError").And.Contain("step of BadEnv").And.Contain("the pole broke at action 1"));
        Assert.That(e.PythonTraceback, Does.Contain("rlalign_test_envs.py").And.Contain("_physics").And.Contain("Traceback"));
        Assert.That(e.Message, Does.Contain(e.PythonTraceback));
        // The env is still usable: the exception left Python in a clean state.
        env.Reset(obs);
    }

    [Test]
    public void UnsupportedSpaceIsNamed()
    {
        PythonTestEnvs.Require();
        var e = Assert.Throws<NotSupportedException>(() => PythonTestEnvs.Make("TextSpaceEnv").Dispose());
        Assert.That(e!.Message, Does.Contain("TextSpaceEnv.observation_space is a Text").And.Contain("Box, Discrete"));
    }

    [Test]
    public void ObjectWithoutTheGymnasiumApiIsRejected()
    {
        PythonTestEnvs.Require();
        using (Py.GIL())
        {
            using PyObject notAnEnv = new PyList();
            var e = Assert.Throws<GymnasiumApiException>(() => new GymnasiumEnv(notAnEnv).Dispose());
            Assert.That(e!.Message, Does.Contain("list has no 'reset'"));
        }
    }

    [Test]
    public void RenderReturnsTheRgbArray()
    {
        using GymnasiumEnv env = PythonTestEnvs.Make("TrivialEnv");
        RenderFrame? frame = env.Render();
        Assert.That(frame, Is.Not.Null);
        Assert.That((frame!.Width, frame.Height), Is.EqualTo((3, 2)));
        Assert.That(frame.Rgb.Take(6), Is.EqualTo(new byte[] { 0, 100, 200, 1, 100, 200 }));
        Assert.That(frame.Rgb.Skip(9).Take(3), Is.EqualTo(new byte[] { 10, 100, 200 }));
    }

    [Test]
    public void DisposeClosesThePythonEnv()
    {
        GymnasiumEnv env = PythonTestEnvs.Make("CartPoleEnv");
        using (Py.GIL())
        {
            using PyObject python = env.PythonEnv.NewReference();
            env.Dispose();
            using PyObject closed = python.GetAttr("closed");
            Assert.That(closed.IsTrue(), Is.True);
        }
        Assert.Throws<ObjectDisposedException>(() => env.Reset(new float[4]));
    }

    [Test]
    public void LocateReportsAMissingOverrideWithWhatToInstall()
    {
        // Runs without Python: the locator only looks at files.
        var e = Assert.Throws<PythonNotAvailableException>(() => PythonRuntime.Locate("/nonexistent/libpython3.99.so"));
        Assert.That(e!.Message, Does.Contain("RLALIGN_PYTHON").And.Contain("/nonexistent/libpython3.99.so").And.Contain("apt-get install"));
    }

    [Test]
    public void LocateRejectsAnOverrideThatIsNeitherALibraryNorAPython()
    {
        // Runs without Python: the file is not executable, so asking it for its library fails cleanly.
        string path = Path.Combine(Path.GetTempPath(), $"rlalign-not-python-{Guid.NewGuid():N}");
        File.WriteAllText(path, "not a python\n");
        try
        {
            var e = Assert.Throws<PythonNotAvailableException>(() => PythonRuntime.Locate(path));
            Assert.That(e!.Message, Does.Contain("RLALIGN_PYTHON").And.Contain(path).And.Contain("not a Python with a shared library"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void LocateFindsASharedLibraryWhenOneIsInstalled()
    {
        PythonInstallation found;
        try { found = PythonRuntime.Locate(null); }
        catch (PythonNotAvailableException e) { Assert.Ignore($"No Python installed here: {e.Message}"); return; }
        Assert.That(File.Exists(found.LibraryPath), Is.True, found.ToString());
        Assert.That(Path.GetFileName(found.LibraryPath), Does.StartWith("libpython3"));
    }
}
