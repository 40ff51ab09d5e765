using RlAlign.Algorithms.Imitation;
using RlAlign.Cli;
using RlAlign.Cli.Commands;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;

namespace RlAlign.Algorithms.Tests.Imitation;

/// <summary><c>algo: bc</c> through <c>rlalign train</c>, end to end on a tiny budget.</summary>
[TestFixture]
[NonParallelizable]
public sealed class BehaviorCloningCliTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("rlalign-bc-cli-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string WriteExperiment(string demos, string extra = "")
    {
        string path = Path.Combine(_folder, "bc.yaml");
        File.WriteAllText(path, $"""
            experiment: bc-tiny
            algo: bc
            env_id: BabyAI-GoToLocal-v0
            demos: {demos}
            epochs: 2
            batch_size: 16
            word_size: 8
            channels: 8
            mission_encoder: bag_of_words
            final_eval_episodes: 2
            {extra}
            """);
        return path;
    }

    private static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(args, output);
        return (code, output.ToString());
    }

    [Test]
    public async Task TrainsRecordsMetricsCheckpointsAndEvaluates()
    {
        string demos = Path.Combine(_folder, "demos.bin");
        DemonstrationFile.Write(demos, DemosCommand.Record("BabyAI-GoToLocal-v0", 3, 0).Demos);
        string runs = Path.Combine(_folder, "runs");
        (int code, string output) = await Run("train", WriteExperiment(demos), "--runs-dir", runs);

        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        Assert.That(output, Does.Contain("epoch 2/2").And.Contain("Success rate").And.Contain("over 2 fresh seeds"));
        var run = RunFolder.Open(Directory.GetDirectories(runs).Single());
        Assert.That(File.Exists(run.FinalCheckpointPath), Is.True);
        string[] metrics = File.ReadAllLines(run.MetricsPath);
        Assert.That(metrics.Count(l => l.Contains($",{BehaviorCloning.LossMetric},")), Is.EqualTo(2));
        Assert.That(metrics.Any(l => l.Contains($",{BehaviorCloning.SuccessRateMetric},")), Is.True);

        ResolvedBcExperiment reloaded = ResolvedBcExperiment.Resolve(Experiment.Load(run.ConfigPath));
        Assert.That(reloaded.Bc.MissionEncoder, Is.EqualTo(Policies.Language.MissionEncoder.BagOfWords));
        Assert.That((reloaded.Bc.Channels, reloaded.Bc.Epochs, reloaded.Bc.Demos), Is.EqualTo((8, 2, demos)));
        (Policies.Language.BabyAIPolicy policy, string envId, int epoch) = BehaviorCloning.LoadPolicy(run.FinalCheckpointPath);
        policy.Dispose();
        Assert.That((envId, epoch), Is.EqualTo(("BabyAI-GoToLocal-v0", 2)));
    }

    [Test]
    public async Task AnInterruptedRunResumesToTheSameWeightsAsAnUninterruptedOne()
    {
        string demos = Path.Combine(_folder, "demos.bin");
        DemonstrationFile.Write(demos, DemosCommand.Record("BabyAI-GoToLocal-v0", 3, 0).Demos);
        string experimentPath = WriteExperiment(demos, "checkpoint_interval: 1");
        File.WriteAllText(experimentPath, File.ReadAllText(experimentPath).Replace("epochs: 2", "epochs: 4").Replace("final_eval_episodes: 2", "final_eval_episodes: 0"));
        ResolvedBcExperiment experiment = ResolvedBcExperiment.Resolve(Experiment.Load(experimentPath));

        string straightRuns = Path.Combine(_folder, "straight");
        (int code, string output) = await Run("train", experimentPath, "--runs-dir", straightRuns);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        var straight = RunFolder.Open(Directory.GetDirectories(straightRuns).Single());

        // Stopped after epoch 2, as Ctrl-C would: the session saves latest.ckpt and no final.ckpt.
        var interrupted = RunFolder.Create(Path.Combine(_folder, "interrupted"), experiment.Bc.EnvId, experiment.Name, experiment.Bc.Seed, DateTime.Now);
        using (var stop = new CancellationTokenSource())
        {
            BcOutcome first = BcSession.Run(experiment, DemonstrationFile.Read(demos), interrupted, null, new CancelOnLine("epoch 2/4", stop), stop.Token);
            Assert.That((first.Interrupted, first.Epochs.Count), Is.EqualTo((true, 2)));
        }
        Assert.That(File.Exists(interrupted.FinalCheckpointPath), Is.False);

        (code, output) = await Run("train", "--resume", interrupted.Path);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        Assert.That(output, Does.Contain("resumed after epoch 2").And.Contain("epoch 3/4").And.Contain("epoch 4/4").And.Not.Contain("epoch 1/4"));

        (Policies.Language.BabyAIPolicy expected, _, int straightEpoch) = BehaviorCloning.LoadPolicy(straight.FinalCheckpointPath);
        (Policies.Language.BabyAIPolicy actual, _, int resumedEpoch) = BehaviorCloning.LoadPolicy(interrupted.FinalCheckpointPath);
        using (expected)
        using (actual)
        {
            Assert.That((resumedEpoch, straightEpoch), Is.EqualTo((4, 4)));
            var expectedParameters = expected.parameters().ToArray();
            var actualParameters = actual.parameters().ToArray();
            using var scope = TorchSharp.torch.NewDisposeScope();
            for (int i = 0; i < expectedParameters.Length; i++)
                Assert.That(actualParameters[i].eq(expectedParameters[i]).all().item<bool>(), Is.True, $"parameter {i} differs after the resume");
        }
        string[] lossRows = File.ReadAllLines(interrupted.MetricsPath).Where(l => l.Contains($",{BehaviorCloning.LossMetric},")).ToArray();
        Assert.That(lossRows.Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "1", "2", "3", "4" }), "each epoch's loss once");

        (code, output) = await Run("train", "--resume", interrupted.Path);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain("already finished"));
    }

    [Test]
    public async Task EvalAndRenderTakeABcRunOrCheckpoint()
    {
        string demos = Path.Combine(_folder, "demos.bin");
        DemonstrationFile.Write(demos, DemosCommand.Record("BabyAI-GoToLocal-v0", 3, 0).Demos);
        string runs = Path.Combine(_folder, "runs");
        string experimentPath = WriteExperiment(demos);
        File.WriteAllText(experimentPath, File.ReadAllText(experimentPath).Replace("final_eval_episodes: 2", "final_eval_episodes: 0"));
        (int code, string output) = await Run("train", experimentPath, "--runs-dir", runs);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        var run = RunFolder.Open(Directory.GetDirectories(runs).Single());

        string frames = Path.Combine(_folder, "frames");
        (int evalCode, string evalOutput) = await Run("eval", run.Path, "-n", "2", "--seed", "7", "--deterministic", "--frames", frames);
        (int againCode, string againOutput) = await Run("eval", run.FinalCheckpointPath, "-n", "2", "--seed", "7", "--deterministic");
        Assert.That(evalCode, Is.EqualTo(RlAlignCommand.ExitOk), evalOutput);
        Assert.That(evalOutput, Does.Contain("success rate").And.Contain("over 2 episodes (seeds 7..8, deterministic actions)").And.Contain("epoch 2"));
        Assert.That(Directory.GetFiles(frames, "step_*.png"), Is.Not.Empty);
        Assert.That(againCode, Is.EqualTo(RlAlignCommand.ExitOk), againOutput);
        static string Summary(string text) => text.Split('\n').Single(l => l.Contains("success rate"));
        Assert.That(Summary(againOutput), Is.EqualTo(Summary(evalOutput)), "the run folder and its final checkpoint are the same policy");

        string gif = Path.Combine(_folder, "bc.gif");
        (int renderCode, string renderOutput) = await Run("render", run.Path, "--max-steps", "5", "-o", gif);
        Assert.That(renderCode, Is.EqualTo(RlAlignCommand.ExitOk), renderOutput);
        Assert.That(renderOutput, Does.Contain("6 frames"));
        Assert.That(System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(gif), 0, 6), Is.EqualTo("GIF89a"));
    }

    /// <summary>Progress output that cancels a token once a line containing <c>marker</c> is written (a Ctrl-C at that point).</summary>
    private sealed class CancelOnLine(string marker, CancellationTokenSource source) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(marker)) source.Cancel();
        }
    }

    [Test]
    public async Task AMissingOrForeignDemonstrationsFileIsAUsageError()
    {
        (int code, string output) = await Run("train", WriteExperiment(Path.Combine(_folder, "missing.bin")), "--runs-dir", Path.Combine(_folder, "runs"));
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain("missing.bin").And.Contain("does not exist"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "runs")), Is.False, "no run folder for a run that could not start");

        string demos = Path.Combine(_folder, "obj.bin");
        DemonstrationFile.Write(demos, DemosCommand.Record("BabyAI-GoToObj-v0", 1, 0).Demos);
        (code, output) = await Run("train", WriteExperiment(demos), "--runs-dir", Path.Combine(_folder, "runs"));
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain("'BabyAI-GoToObj-v0', not of 'BabyAI-GoToLocal-v0'"));
    }

    [Test]
    public async Task AnUnknownSettingIsNamed()
    {
        (int code, string output) = await Run("train", WriteExperiment("x.bin", "epoch: 3"), "--runs-dir", Path.Combine(_folder, "runs"));
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain("unknown setting 'epoch'").And.Contain("did you mean 'epochs'"));
    }
    [Test]
    public async Task PpoFineTunesTheClonedPolicyAndABadInitFromStartsNoRun()
    {
        string demos = Path.Combine(_folder, "demos.bin");
        DemonstrationFile.Write(demos, DemosCommand.Record("BabyAI-GoToLocal-v0", 3, 0).Demos);
        string runs = Path.Combine(_folder, "runs");
        (int code, string output) = await Run("train", WriteExperiment(demos), "--runs-dir", runs);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        string cloned = RunFolder.Open(Directory.GetDirectories(runs).Single()).FinalCheckpointPath;

        string ppo = Path.Combine(_folder, "ppo.yaml");
        File.WriteAllText(ppo, """
            experiment: ppo-tiny
            algo: ppo
            env_id: BabyAI-GoToLocal-v0
            policy: baby_ai
            word_size: 8
            channels: 8
            mission_encoder: bag_of_words
            num_envs: 2
            num_steps: 16
            num_minibatches: 2
            total_timesteps: 64
            final_eval_episodes: 2
            """);
        string ppoRuns = Path.Combine(_folder, "ppo-runs");
        (code, output) = await Run("train", ppo, "--set", $"init_from={cloned}", "--runs-dir", ppoRuns, "--quiet");
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitOk), output);
        Assert.That(output, Does.Contain("Success rate of the initial (init_from) policy").And.Contain("over 2 seeds"));

        (code, output) = await Run("train", ppo, "--set", $"init_from={cloned}", "--set", "channels=16", "--runs-dir", Path.Combine(_folder, "bad-runs"));
        Assert.That(code, Is.Not.EqualTo(RlAlignCommand.ExitOk), output);
        Assert.That(output, Does.Contain("channels: checkpoint 8, this run 16"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "bad-runs")), Is.False, "no run folder for a run that could not start");
    }
}
