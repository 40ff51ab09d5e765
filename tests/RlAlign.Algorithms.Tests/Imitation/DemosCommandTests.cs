using RlAlign.Algorithms.Imitation;
using RlAlign.Cli;
using RlAlign.Cli.Commands;

namespace RlAlign.Algorithms.Tests.Imitation;

[TestFixture]
[NonParallelizable]
public sealed class DemosCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("rlalign-demos-cli-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(args, output);
        return (code, output.ToString());
    }

    [Test]
    public async Task WritesTheBotsSuccessfulEpisodes()
    {
        string path = Path.Combine(_folder, "demos.bin");
        (int code, string output) = await Run("demos", "--env", "BabyAI-GoToLocal-v0", "--episodes", "3", "--seed", "5", "--out", path);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        Assert.That(output, Does.Contain("demos: 3/3 episodes").And.Contain("failed"));

        DemonstrationSet demos = DemonstrationFile.Read(path, "BabyAI-GoToLocal-v0");
        Assert.That(demos.Episodes.Select(e => e.Seed), Is.SubsetOf(new ulong[] { 5, 6, 7 }));
        Assert.That(output, Does.Contain($"Wrote {demos.Episodes.Count} successful episodes"));
        foreach (DemoEpisode episode in demos.Episodes)
        {
            Assert.That(episode.Success, Is.True);
            Assert.That(episode.Mission, Does.StartWith("go to "));
            Assert.That(episode.Images, Has.Length.EqualTo(episode.Length * 147));
            Assert.That(episode.Actions, Has.All.InRange((byte)0, (byte)6));
            Assert.That(episode.Directions, Has.All.InRange((byte)0, (byte)3));
        }
    }

    /// <summary>The recorded steps replay: the same seed and actions reproduce the recorded images, and the episode succeeds.</summary>
    [Test]
    public void RecordedStepsReplayInTheEnv()
    {
        DemoRecording recording = DemosCommand.Record("BabyAI-PickupLoc-v0", 2, 10);
        Assert.That(recording.Demos.Episodes.Count + recording.Failures, Is.EqualTo(2));
        using Core.IEnv env = Core.Envs.Make("BabyAI-PickupLoc-v0");
        var level = (Envs.MiniGrid.MiniGridEnv)env.Unwrapped;
        var observation = new float[env.ObservationSpace.FlatSize];
        foreach (DemoEpisode episode in recording.Demos.Episodes)
        {
            env.Reset(observation, episode.Seed);
            Assert.That(level.Mission, Is.EqualTo(episode.Mission));
            Core.StepResult result = default;
            for (int t = 0; t < episode.Length; t++)
            {
                byte[] image = observation.AsSpan(level.ImageOffset, 147).ToArray().Select(v => (byte)v).ToArray();
                Assert.That(image, Is.EqualTo(episode.Images.AsSpan(t * 147, 147).ToArray()), $"seed {episode.Seed} step {t}");
                result = env.Step([episode.Actions[t]], observation);
            }
            Assert.That(result.Terminated && result.Reward > 0, Is.True);
        }
    }

    [Test]
    public async Task ANonBabyAIEnvIsAUsageError()
    {
        (int code, string output) = await Run("demos", "--env", "MiniGrid-Empty-5x5-v0", "--episodes", "1", "--out", Path.Combine(_folder, "x.bin"));
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage));
        Assert.That(output, Does.Contain("not one"));
    }
}
