using RlAlign.Cli;
using RlAlign.Cli.Experiments;
using RlAlign.Cli.Runs;

namespace RlAlign.Algorithms.Tests.Cli;

/// <summary>The rlalign command end to end on tiny budgets, and its handling of bad input.</summary>
[NonParallelizable]
public class CliTests
{
    private string _runsDirectory = null!;

    [SetUp]
    public void CreateRunsDirectory() => _runsDirectory = Directory.CreateTempSubdirectory("rlalign-cli-").FullName;

    [TearDown]
    public void DeleteRunsDirectory() => Directory.Delete(_runsDirectory, recursive: true);

    private async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        string[] withRunsDirectory = args[0] is "train" or "bench" ? [.. args, "--runs-dir", _runsDirectory] : args;
        int code = await RlAlignCommand.RunAsync(withRunsDirectory, output);
        return (code, output.ToString());
    }

    private string[] RunFolders() => Directory.GetDirectories(_runsDirectory);

    [Test]
    public async Task TrainWritesEveryRunArtifact()
    {
        (int code, string output) = await Run("train", "--total-steps", "1024", "--quiet", "--set", "final_eval_episodes=2");

        Assert.That(code, Is.EqualTo(0), output);
        string folder = RunFolders().Single();
        Assert.That(Path.GetFileName(folder), Does.Match(@"^CartPole-v1__ppo-cartpole__1__\d{8}-\d{6}$"));
        foreach (string file in new[] { "config.yaml", "metrics.csv", "log.jsonl", "learning_curve.png", "checkpoints/latest.ckpt", "checkpoints/final.ckpt" })
            Assert.That(File.Exists(Path.Combine(folder, file)), Is.True, file);
        Assert.That(Directory.GetFiles(Path.Combine(folder, "tensorboard"), "events.out.tfevents.*"), Has.Length.EqualTo(1));
        string[] metrics = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.That(metrics[0], Is.EqualTo("step,metric,value,wall_time"));
        Assert.That(metrics.Any(l => l.Contains(",charts/episodic_return,")), Is.True);
        Assert.That(metrics.Any(l => l.StartsWith("1024,losses/approx_kl,", StringComparison.Ordinal)), Is.True);
        Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task ResolvedConfigReloadsToTheSameSettings()
    {
        (int code, string output) = await Run("train", "--env", "Pendulum-v1", "--total-steps", "2048", "--seed", "7", "--quiet",
            "--set", "final_eval_episodes=0", "--set", "env_options.g=9.81", "--set", "hidden_sizes=[32,16]");
        Assert.That(code, Is.EqualTo(0), output);

        var run = RunFolder.Open(RunFolders().Single());
        ResolvedExperiment reloaded = ResolvedExperiment.Resolve(Experiment.Load(run.ConfigPath));
        Assert.Multiple(() =>
        {
            Assert.That(reloaded.Ppo.EnvId, Is.EqualTo("Pendulum-v1"));
            Assert.That(reloaded.Ppo.Seed, Is.EqualTo(7));
            Assert.That(reloaded.Ppo.HiddenSizes, Is.EqualTo(new[] { 32, 16 }));
            // Continuous envs start from CleanRL's continuous defaults.
            Assert.That(reloaded.Ppo.NormalizeObservation, Is.True);
            Assert.That(reloaded.Ppo.NumSteps, Is.EqualTo(2048));
            Assert.That(reloaded.EnvOptionValues["g"], Is.EqualTo(9.81));
            Assert.That(reloaded.ToYaml(), Is.EqualTo(ResolvedExperiment.Resolve(Experiment.Load(run.ConfigPath)).ToYaml()));
        });
    }

    [Test]
    public void ResumedRunMatchesAnUninterruptedRun()
    {
        Experiment experiment = Experiment.Load("ppo-cartpole");
        experiment.Set("total_timesteps=3072");
        experiment.Set("checkpoint_interval=100");
        experiment.Set("final_eval_episodes=0");
        ResolvedExperiment resolved = ResolvedExperiment.Resolve(experiment);

        RunFolder straight = RunFolder.Create(_runsDirectory, "straight", "x", 1, DateTime.Now);
        TrainingSession.Run(resolved, straight, null, new LineProgress(TextWriter.Null, TimeSpan.Zero), CancellationToken.None);

        RunFolder interrupted = RunFolder.Create(_runsDirectory, "interrupted", "x", 1, DateTime.Now);
        using var stop = new CancellationTokenSource();
        var stopAfterTwo = new StopAfter(2, stop);
        TrainingOutcome first = TrainingSession.Run(resolved, interrupted, null, stopAfterTwo, stop.Token);
        Assert.That(first.End, Is.EqualTo(TrainingEnd.Interrupted));
        Assert.That(first.GlobalStep, Is.EqualTo(1024));
        TrainingOutcome second = TrainingSession.Run(resolved, interrupted, interrupted.LatestCheckpointPath, new LineProgress(TextWriter.Null, TimeSpan.Zero), CancellationToken.None);
        Assert.That(second.End, Is.EqualTo(TrainingEnd.Completed));

        // Every metric except wall time and throughput must be identical, row for row.
        static string[] Comparable(RunFolder run) => File.ReadLines(run.MetricsPath)
            .Where(l => !l.Contains("charts/SPS", StringComparison.Ordinal))
            .Select(l => l[..l.LastIndexOf(',')]).ToArray();
        Assert.That(Comparable(interrupted), Is.EqualTo(Comparable(straight)));
        // Checkpoints also hold episode wall-clock durations, so compare what training produced: the weights.
        using PpoTrainer straightTrainer = PpoTrainer.FromCheckpoint(straight.FinalCheckpointPath);
        using PpoTrainer resumedTrainer = PpoTrainer.FromCheckpoint(interrupted.FinalCheckpointPath);
        var expected = straightTrainer.Policy.parameters().ToArray();
        var actual = resumedTrainer.Policy.parameters().ToArray();
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i].data<float>().ToArray(), Is.EqualTo(expected[i].data<float>().ToArray()), $"parameter {i}");
    }

    [Test]
    public async Task EvalReportsMeanAndStdForARunFolder()
    {
        (int trainCode, string trainOutput) = await Run("train", "--total-steps", "512", "--quiet", "--set", "final_eval_episodes=0");
        Assert.That(trainCode, Is.EqualTo(0), trainOutput);
        var output = new StringWriter();
        string gif = Path.Combine(_runsDirectory, "episode.gif");
        int code = await RlAlignCommand.RunAsync(["eval", RunFolders().Single(), "--episodes", "3", "--deterministic", "--gif", gif], output);
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Match(@"return \d+\.\d\d ± \d+\.\d\d over 3 episodes"));
        Assert.That(File.ReadAllBytes(gif).AsSpan(0, 6).ToArray(), Is.EqualTo("GIF89a"u8.ToArray()));
    }

    [TestCase(new[] { "train", "--env", "CartPol-v1" }, "Did you mean: CartPole-v1")]
    [TestCase(new[] { "train", "--algo", "ppq" }, "Unknown algorithm 'ppq'")]
    [TestCase(new[] { "train", "--set", "learnin_rate=3e-4" }, "did you mean 'learning_rate'")]
    [TestCase(new[] { "train", "--set", "num_envs=four" }, "'num_envs' expects an integer, got 'four'")]
    [TestCase(new[] { "train", "--set", "learning_rate" }, "is not key=value")]
    [TestCase(new[] { "train", "--set", "num_minibatches=3" }, "not divisible by num_minibatches = 3")]
    [TestCase(new[] { "train", "no-such-experiment" }, "no such experiment file")]
    [TestCase(new[] { "eval", "/no/such/checkpoint.ckpt" }, "neither a run folder nor a checkpoint file")]
    public async Task BadInputGetsAClearErrorAndLeavesNothingBehind(string[] args, string expected)
    {
        (int code, string output) = await Run(args);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain(expected));
        Assert.That(Directory.GetFileSystemEntries(_runsDirectory), Is.Empty);
    }

    [Test]
    public async Task MalformedYamlNamesFileAndLine()
    {
        string file = Path.Combine(_runsDirectory, "broken.yaml");
        File.WriteAllText(file, "experiment: broken\nalgo: ppo\nenv_id: [CartPole-v1\nseed: 1\n");
        (int code, string output) = await Run("train", file);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage));
        Assert.That(output, Does.Contain($"{file}:3: malformed YAML"));

        File.WriteAllText(file, "experiment: typo\nalgo: ppo\nclip_coeff: 0.1\n");
        (code, output) = await Run("train", file);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage));
        Assert.That(output, Does.Contain($"{file}:3: unknown setting 'clip_coeff'; did you mean 'clip_coef'?"));
    }

    [Test]
    public async Task CorruptCheckpointIsReportedNotThrown()
    {
        string file = Path.Combine(_runsDirectory, "corrupt.ckpt");
        File.WriteAllText(file, "this is not a checkpoint");
        (int code, string output) = await Run("eval", file);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain("corrupt.ckpt").And.Contain("not an RlAlign checkpoint"));
    }

    [Test]
    public async Task NonFiniteLossStopsTrainingAndNamesTheQuantity()
    {
        (int code, string output) = await Run("train", "--total-steps", "2048", "--quiet", "--set", "learning_rate=1e30", "--set", "anneal_lr=false");

        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitFailure), output);
        Assert.That(output, Does.Match(@"losses/\w+ became non-finite"));
        string folder = RunFolders().Single();
        Assert.That(File.Exists(Path.Combine(folder, "checkpoints", "final.ckpt")), Is.False);
        Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
        Assert.That(File.ReadAllText(Path.Combine(folder, "log.jsonl")), Does.Contain("Training stopped"));
    }

    [Test]
    public async Task ConformanceReplaysClassicControlTracesAndCountsThem()
    {
        string classic = RlAlign.Core.Tests.ConformanceData.PathOf("classic_control");
        int traces = Directory.GetFiles(classic, "seed*.json", SearchOption.AllDirectories).Length;

        (int code, string output) = await Run("conformance", classic);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.TrimEnd().Split('\n')[^1], Is.EqualTo($"{traces}/{traces} traces match"));
        Assert.That(output, Does.Contain("match    CartPole-v1/seed0.json"));
    }

    [Test]
    public async Task BenchEnvsReportsSpeedAndZeroAllocationForCartPole()
    {
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(["bench", "envs", "CartPole", "--steps", "20000"], output);

        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Match(@"CartPole-v1\s*│\s*[\d,]+\s*│\s*[\d.]+\s*│\s*0\.0\s*│"));
    }

    [Test]
    public void ConfigBinderAcceptsTheWaysPeopleWriteNumbers()
    {
        var experiment = Experiment.Parse("total_timesteps: 5e5\nnum_steps: 2_048\ntarget_kl: 0.015\nvector_mode: threaded\n", "inline");
        ResolvedExperiment resolved = ResolvedExperiment.Resolve(experiment);
        Assert.That(resolved.Ppo.TotalTimesteps, Is.EqualTo(500_000));
        Assert.That(resolved.Ppo.NumSteps, Is.EqualTo(2048));
        Assert.That(resolved.Ppo.TargetKl, Is.EqualTo(0.015));
        Assert.That(resolved.Ppo.VectorMode, Is.EqualTo(RlAlign.Core.Vector.VectorMode.Threaded));
    }

    private sealed class StopAfter(int iterations, CancellationTokenSource source) : ITrainingProgress
    {
        public void Started(ResolvedExperiment experiment, RunFolder run, long globalStep, long totalSteps) { }

        public void Iteration(IterationStats stats, double? recentMeanReturn)
        {
            if (stats.Iteration == iterations) source.Cancel();
        }

        public void Message(string text) { }
    }
}
