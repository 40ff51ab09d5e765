using NUnit.Framework;
using RlAlign.Envs.MuJoCo;

namespace RlAlign.Core.Tests.MuJoCo;

[TestFixture]
public sealed class MuJoCoBindingTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "rlalign-mujoco-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void AvailabilityIsReportedWithWhatToInstall()
    {
        // Runs on both kinds of machine: with MuJoCo it reports the version, without it making an env says what to install.
        if (MuJoCoLibrary.IsAvailable)
        {
            Assert.That(MuJoCoLibrary.UnavailableReason, Is.Null);
            Assert.That(MuJoCoLibrary.Version, Is.GreaterThanOrEqualTo(200));
        }
        else
        {
            var error = Assert.Throws<MuJoCoUnavailableException>(() => Core.Envs.Make("Hopper-v5"))!;
            Assert.That(error.Message, Does.Contain("apt-get install libmujoco-dev"));
        }
    }

    [Test]
    public void EveryTaskIdIsRegisteredWithGymnasiumsTimeLimit()
    {
        Assert.That(Core.Envs.Ids, Is.SupersetOf(MuJoCoTestSupport.Ids));
        Assert.That(Core.Envs.Spec("Reacher-v5").MaxEpisodeSteps, Is.EqualTo(50));
        Assert.That(Core.Envs.Spec("Hopper-v5").MaxEpisodeSteps, Is.EqualTo(1000));
        Assert.That(Core.Envs.Spec("HalfCheetah-v5").RewardThreshold, Is.EqualTo(4800.0));
    }

    [TestCaseSource(typeof(MuJoCoTestSupport), nameof(MuJoCoTestSupport.Tasks))]
    public void ShippedModelLoadsWithTheCountsOfTheSpec(string id, int nq, int nv, int nu, int observationSize, int frameSkip, double timestep)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        Assert.That((env.Model.Nq, env.Model.Nv, env.Model.Nu), Is.EqualTo((nq, nv, nu)));
        Assert.That(env.ObservationSpace.FlatSize, Is.EqualTo(observationSize));
        Assert.That(env.ActionSpace.FlatSize, Is.EqualTo(nu));
        Assert.That(env.FrameSkip, Is.EqualTo(frameSkip));
        Assert.That(env.Model.Timestep, Is.EqualTo(timestep));
        Assert.That(env.Dt, Is.EqualTo(timestep * frameSkip));
        Assert.That(env.Data.Qpos.Length, Is.EqualTo(nq));
    }

    [Test]
    public void ActionBoundsComeFromCtrlRange()
    {
        using MuJoCoEnv pendulum = MuJoCoTestSupport.MakeUnwrapped("InvertedPendulum-v5");
        var box = (Core.Spaces.Box)pendulum.ActionSpace;
        Assert.That(box.Low, Is.EqualTo(new[] { -3f }));
        Assert.That(box.High, Is.EqualTo(new[] { 3f }));
        Assert.That(pendulum.Model.IsCtrlLimited(0), Is.True);
    }

    [Test]
    public void MalformedXmlGivesMuJoCosMessageWithFileAndLine()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        string path = Path.Combine(_directory, "mismatched.xml");
        File.WriteAllText(path, "<mujoco>\n  <worldbody>\n    <body>\n  </worldbody>\n</mujoco>\n");

        var error = Assert.Throws<MuJoCoLoadException>(() => MjModel.LoadXml(path))!;

        Assert.That(error.Path, Is.EqualTo(path));
        Assert.That(error.Message, Does.Contain(path));
        Assert.That(error.Message, Does.Contain("XML_ERROR_MISMATCHED_ELEMENT"));
        Assert.That(error.Message, Does.Contain("Line number=3"));
    }

    [Test]
    public void SchemaViolationGivesTheElementAndLine()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        string path = Path.Combine(_directory, "bogus.xml");
        File.WriteAllText(path, "<mujoco>\n  <worldbody>\n    <geom type=\"sphere\" size=\"0.1\" bogus=\"1\"/>\n  </worldbody>\n</mujoco>\n");

        var error = Assert.Throws<MuJoCoLoadException>(() => MjModel.LoadXml(path))!;

        Assert.That(error.MuJoCoMessage, Does.Contain("unrecognized attribute: 'bogus'"));
        Assert.That(error.MuJoCoMessage, Does.Contain("Element 'geom', line 3"));
        Assert.That(error.Message, Does.Contain(path));
    }

    [Test]
    public void MissingFileIsReportedBeforeMuJoCoSeesIt()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        string path = Path.Combine(_directory, "absent.xml");
        var error = Assert.Throws<FileNotFoundException>(() => MjModel.LoadXml(path))!;
        Assert.That(error.Message, Does.Contain(path));
    }

    [Test]
    public void ModelPathOptionLoadsAUserFile()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        string shipped = Path.Combine(AppContext.BaseDirectory, "assets", "mujoco", "inverted_pendulum.xml");
        string copy = Path.Combine(_directory, "my_pendulum.xml");
        // A finer timestep is a user change that keeps the task's layout; dt = timestep · frame_skip follows the file.
        File.WriteAllText(copy, File.ReadAllText(shipped).Replace("timestep=\"0.02\"", "timestep=\"0.01\""));

        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("InvertedPendulum-v5", new EnvOptions { ["model_path"] = copy });

        Assert.That(env.Model.Path, Is.EqualTo(copy));
        Assert.That(env.Dt, Is.EqualTo(0.02).Within(1e-15));
    }

    /// <summary>
    /// A model that compiles but whose mjData stack (nstack 300) overflows once the hopper meets the floor: MuJoCo's
    /// default would print, wait for Enter and exit the process; here it is an exception, and the env wants a reset.
    /// </summary>
    [Test]
    public void EngineErrorDuringAStepIsAnExceptionNotAnExit()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        string shipped = Path.Combine(AppContext.BaseDirectory, "assets", "mujoco", "hopper.xml");
        string path = Path.Combine(_directory, "hopper_small_stack.xml");
        File.WriteAllText(path, File.ReadAllText(shipped).Replace("<option ", "<size nstack=\"300\"/>\n  <option "));
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped("Hopper-v5", new EnvOptions { ["model_path"] = path });
        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed: 0);

        var error = Assert.Throws<MuJoCoEngineException>(() =>
        {
            for (int i = 0; i < 1000; i++) env.Step(new float[3], observation);
        })!;

        Assert.That(error.MuJoCoMessage, Does.Contain("Stack overflow"));
        Assert.That(error.Message, Does.Contain(path).And.Contain("mj_step"));
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[3], observation), "a reset is required after an engine error");
        env.Reset(observation, seed: 0);
        Assert.That(observation, Has.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void ModelPathWithTheWrongMorphologyIsRejected()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        string hopper = Path.Combine(AppContext.BaseDirectory, "assets", "mujoco", "hopper.xml");
        var error = Assert.Throws<ArgumentException>(() => Core.Envs.Make("InvertedPendulum-v5", new EnvOptions { ["model_path"] = hopper }))!;
        Assert.That(error.Message, Does.Contain("nq=6").And.Contain("needs nq=2"));
    }

    [Test]
    public void DataViewsAreZeroCopy()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        using MjModel model = MjModel.LoadXml(Path.Combine(AppContext.BaseDirectory, "assets", "mujoco", "inverted_pendulum.xml"));
        using var data = new MjData(model);
        data.Qpos[1] = 0.1;
        data.Forward();
        Assert.That(data.Qpos[1], Is.EqualTo(0.1));
        double timeBefore = data.Time;
        data.Step();
        Assert.That(data.Time, Is.EqualTo(timeBefore + model.Timestep).Within(1e-12));
        // A tilted pole falls further: the step moved the state MuJoCo owns, which the span sees.
        Assert.That(data.Qpos[1], Is.GreaterThan(0.1));
    }

    /// <summary>
    /// The env steps its physics in one native call; it must be exactly Gymnasium's <c>do_simulation</c>
    /// (frame_skip × mj_step, then mj_rnePostConstraint) made call by call on a second copy of the model.
    /// </summary>
    [TestCaseSource(nameof(Ids))]
    public void EnvStepIsFrameSkipMjStepsThenRnePostConstraint(string id)
    {
        using MuJoCoEnv env = MuJoCoTestSupport.MakeUnwrapped(id);
        using MjModel model = MjModel.LoadXml(env.Model.Path);
        using var data = new MjData(model);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        var random = new System.Random(11);
        env.Reset(observation, seed: 3);
        data.Time = env.Data.Time;
        env.Data.Qpos.CopyTo(data.Qpos);
        env.Data.Qvel.CopyTo(data.Qvel);
        env.Data.QaccWarmstart.CopyTo(data.QaccWarmstart);
        for (int step = 0; step < 20; step++)
        {
            MuJoCoTestSupport.RandomAction(random, env, action);
            env.Step(action, observation);
            for (int i = 0; i < action.Length; i++) data.Ctrl[i] = action[i];
            for (int i = 0; i < env.FrameSkip; i++) data.Step();
            data.RnePostConstraint();

            Assert.That(data.Qpos.ToArray(), Is.EqualTo(env.Data.Qpos.ToArray()), $"qpos after step {step}");
            Assert.That(data.Qvel.ToArray(), Is.EqualTo(env.Data.Qvel.ToArray()), $"qvel after step {step}");
            Assert.That(data.CfrcExt.ToArray(), Is.EqualTo(env.Data.CfrcExt.ToArray()), $"cfrc_ext after step {step}");
            Assert.That(data.Xpos.ToArray(), Is.EqualTo(env.Data.Xpos.ToArray()), $"xpos after step {step}");
        }
    }

    private static readonly string[] Ids = MuJoCoTestSupport.Ids;

    [Test]
    public void DisposedDataRefusesAccess()
    {
        MuJoCoTestSupport.RequireMuJoCo();
        using MjModel model = MjModel.LoadXml(Path.Combine(AppContext.BaseDirectory, "assets", "mujoco", "inverted_pendulum.xml"));
        var data = new MjData(model);
        data.Dispose();
        Assert.Throws<ObjectDisposedException>(() => data.Step());
        Assert.Throws<ObjectDisposedException>(() => _ = data.Qpos.Length);
    }
}
