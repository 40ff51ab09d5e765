using RlAlign.Alignment.Tokenization;
using RlAlign.Cli;
using RlAlign.Cli.Experiments;
using RlAlign.Policies.Language;
using TorchSharp;

namespace RlAlign.Algorithms.Tests.Cli;

/// <summary><c>rlalign align</c> end to end on tiny budgets: a built-in task run, a data run with resume, and bad input.</summary>
[NonParallelizable]
public class AlignCommandTests
{
    // A few steps of everything, so that a task run takes seconds.
    private static readonly string[] TinyTaskRun =
    [
        "--set", "demonstrations=64", "--set", "eval_prompts=8", "--set", "sft.max_steps=4", "--set", "sft.logging_steps=2",
        "--set", "preference.rounds=2", "--set", "preference.prompts_per_round=8", "--set", "preference.generation_batch_size=8",
        "--set", "preference.dpo.per_device_eval_batch_size=8", "--set", "preference.dpo.num_train_epochs=1",
    ];

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("rlalign-align-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string RunsDirectory => Path.Combine(_directory, "runs");

    private async Task<(int ExitCode, string Output)> Align(params string[] args)
    {
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(["align", .. args, "--runs-dir", RunsDirectory], output);
        return (code, output.ToString());
    }

    [Test]
    public async Task TaskRunWritesModelsEvaluationsAndAReloadableConfig()
    {
        (int code, string output) = await Align(["apo-tiny", .. TinyTaskRun]);

        Assert.That(code, Is.EqualTo(0), output);
        string run = Directory.GetDirectories(RunsDirectory).Single();
        Assert.That(Path.GetFileName(run), Does.Match(@"^arithmetic__apo-tiny__1__\d{8}-\d{6}$"));
        foreach (string file in new[] { "config.yaml", "metrics.csv", "evaluation.csv", "evaluation.png", "model/config.json", "model/model.safetensors",
                     "model/char_tokenizer.json", "sft-model/model.safetensors" })
            Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);
        string[] evaluations = File.ReadAllLines(Path.Combine(run, "evaluation.csv"));
        Assert.That(evaluations, Has.Length.EqualTo(4), "a header, then rounds 0 (SFT), 1 and 2");
        Assert.That(evaluations[1], Does.StartWith("0,").And.Contain(",0.5,0"), "SFT against itself: win rate 0.5 and KL 0");
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.csv"));
        foreach (string name in new[] { "sft/loss", "rewards/chosen", "rewards/accuracies", "logps/rejected", "apo/pairs", "eval/oracle_reward", "eval/win_rate_vs_sft", "eval/kl_to_sft" })
            Assert.That(metrics, Does.Contain("," + name + ","), name);

        // The model folder loads back with its tokenizer, and config.yaml resolves to the same settings.
        using (var model = Gpt2LMHeadModel.FromPretrained(Path.Combine(run, "model")))
            Assert.That(model.Config.VocabSize, Is.EqualTo(TokenizerFolder.Load(Path.Combine(run, "model")).VocabSize));
        var reloaded = ResolvedAlignExperiment.Resolve(Experiment.Load(Path.Combine(run, "config.yaml")));
        Assert.That(reloaded.Task!.Preference.Rounds, Is.EqualTo(2));
        Assert.That(reloaded.Task.Preference.Alpha, Is.EqualTo(0.3));
        Assert.That(reloaded.Task.Sft.MaxSteps, Is.EqualTo(4));
        Assert.That(reloaded.ToYaml(), Is.EqualTo(ResolvedAlignExperiment.Resolve(Experiment.Load(Path.Combine(run, "config.yaml"))).ToYaml()));
        Assert.That(Directory.GetFiles(run, "*.tmp*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task BenchRunsEachExperimentOnTheSameSeedsAndSummarisesThemPaired()
    {
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(["bench", "apo-tiny", "dpo-tiny", "--seeds", "2", "--seed", "5", .. TinyTaskRun, "--runs-dir", RunsDirectory], output);

        Assert.That(code, Is.EqualTo(0), output.ToString());
        string[] runs = [.. Directory.GetDirectories(RunsDirectory).Select(Path.GetFileName).Order()!];
        Assert.That(runs, Has.Length.EqualTo(4));
        Assert.That(runs.Select(r => r.Split("__")[1] + "/" + r.Split("__")[2]), Is.EqualTo(new[] { "apo-tiny/5", "apo-tiny/6", "dpo-tiny/5", "dpo-tiny/6" }));
        string summary = File.ReadAllText(Directory.GetFiles(RunsDirectory, "bench__arithmetic__apo-tiny_vs_dpo-tiny__*.md").Single());
        Assert.That(File.Exists(Path.ChangeExtension(Directory.GetFiles(RunsDirectory, "bench__*.md").Single(), ".png")), Is.True);
        Assert.That(summary, Does.Contain("2 seeds (5, 6), rounds 0 (after SFT) to 2"));

        // The summary's per-seed rewards are the runs' own evaluation.csv values at the last round.
        foreach (string run in runs)
        {
            string[] last = File.ReadAllLines(Path.Combine(RunsDirectory, run, "evaluation.csv"))[^1].Split(',');
            double reward = double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(summary, Does.Contain(reward.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)), run);
        }
        // Same seed, same SFT model: round 0 is identical, so the paired difference there is exactly zero.
        Assert.That(summary, Does.Match(@"\| 0 \| [0-9.]+ ± [0-9.]+ \| [0-9.]+ ± [0-9.]+ \| 0\.000 ± 0\.000 \| 0/2 \|"));

        // --from-runs summarises the same finished runs to the same table.
        string again = Path.Combine(_directory, "again");
        code = await RlAlignCommand.RunAsync(["bench", "apo-tiny", "dpo-tiny", "--from-runs", RunsDirectory, "--runs-dir", again], output);
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(File.ReadAllText(Directory.GetFiles(again, "bench__arithmetic__apo-tiny_vs_dpo-tiny__*.md").Single()), Is.EqualTo(summary));

        // ... and so do the run folders named one by one.
        string byRun = Path.Combine(_directory, "by-run");
        code = await RlAlignCommand.RunAsync(["bench", "apo-tiny", "dpo-tiny", "--from-runs", .. runs.Select(r => Path.Combine(RunsDirectory, r!)), "--runs-dir", byRun], output);
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(File.ReadAllText(Directory.GetFiles(byRun, "bench__arithmetic__apo-tiny_vs_dpo-tiny__*.md").Single()), Is.EqualTo(summary));
    }

    [Test]
    public async Task BenchRejectsADataExperimentBeforeRunningAnything()
    {
        string experiment = Path.Combine(_directory, "data.yaml");
        File.WriteAllText(experiment, "experiment: data\nalgo: dpo\nmodel: nowhere\ntrain_file: pairs.jsonl\n");
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(["bench", "apo-tiny", experiment, "--runs-dir", RunsDirectory], output);

        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("trains on data (train_file)"));
        Assert.That(Directory.Exists(RunsDirectory), Is.False, "nothing ran");
    }

    [Test]
    public async Task TaskRunsAreReproducibleFromTheirSeed()
    {
        string[] Evaluations() => File.ReadAllLines(Path.Combine(Directory.GetDirectories(RunsDirectory).OrderBy(d => Directory.GetCreationTimeUtc(d)).Last(), "evaluation.csv"));
        Assert.That((await Align(["dpo-tiny", "--seed", "3", .. TinyTaskRun])).ExitCode, Is.EqualTo(0));
        string[] first = Evaluations();
        Assert.That((await Align(["dpo-tiny", "--seed", "3", .. TinyTaskRun])).ExitCode, Is.EqualTo(0));
        Assert.That(Evaluations(), Is.EqualTo(first));
    }

    [Test]
    public async Task DataRunResumedFromACheckpointEndsWithTheSameModel()
    {
        string experiment = WriteDataExperiment("dpo", maxSteps: 4);
        (int code, string output) = await Align(experiment);
        Assert.That(code, Is.EqualTo(0), output);
        string run = Directory.GetDirectories(RunsDirectory).Single();
        byte[] straight = File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors"));
        Assert.That(Directory.Exists(Path.Combine(run, "checkpoints", "checkpoint-2")), Is.True);

        // As if interrupted after step 2: the later checkpoint and the final model are gone.
        Directory.Delete(Path.Combine(run, "checkpoints", "checkpoint-4"), recursive: true);
        Directory.Delete(Path.Combine(run, "model"), recursive: true);
        (code, output) = await Align("--resume", run);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("resuming from"));
        Assert.That(File.ReadAllBytes(Path.Combine(run, "model", "model.safetensors")), Is.EqualTo(straight));
        string[] rows = [.. File.ReadLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(line => string.Join(',', line.Split(',').Take(2)))];
        Assert.That(rows, Is.Unique, "each step's metrics once: those after the checkpoint were cut before the resumed run logged them again");
        Assert.That(rows, Does.Contain("4,loss"));
    }

    [Test]
    public async Task SftDataRunTrainsAndSavesTheModelWithItsTokenizer()
    {
        (int code, string output) = await Align(WriteDataExperiment("sft", maxSteps: 2));
        Assert.That(code, Is.EqualTo(0), output);
        string model = Path.Combine(Directory.GetDirectories(RunsDirectory).Single(), "model");
        Assert.That(File.Exists(Path.Combine(model, CharacterTokenizer.FileName)), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(Path.GetDirectoryName(model)!, "metrics.csv")), Does.Contain(",mean_token_accuracy,"));
    }

    [Test]
    public async Task AMalformedJsonlLineIsNamedByFileAndLine()
    {
        string experiment = WriteDataExperiment("dpo", maxSteps: 2);
        string data = Path.Combine(_directory, "train.jsonl");
        File.AppendAllText(data, "{\"prompt\": \"ab\", \"chosen\": \"c\"}\n");
        (int code, string output) = await Align(experiment);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain("train.jsonl:9:").And.Contain("rejected"));
        Assert.That(Directory.Exists(RunsDirectory) ? Directory.GetDirectories(RunsDirectory) : [], Is.Empty, "no run folder for a run that never started");
    }

    [TestCase("sft.learnin_rate=1e-3", "did you mean 'learning_rate'")]
    [TestCase("bogus.beta=1", "no 'bogus' block")]
    [TestCase("preference.alpha=-1", "alpha must be a finite number >= 0")]
    [TestCase("task=poetry", "Known tasks: arithmetic, sorted_word")]
    public async Task BadSettingsAreClearErrors(string assignment, string message)
    {
        (int code, string output) = await Align("apo-tiny", "--set", assignment);
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage), output);
        Assert.That(output, Does.Contain(message));
    }

    [Test]
    public async Task AReinforcementLearningExperimentIsPointedToTrain()
    {
        (int code, string output) = await Align("ppo-cartpole");
        Assert.That(code, Is.EqualTo(RlAlignCommand.ExitUsage));
        Assert.That(output, Does.Contain("rlalign train ppo-cartpole"));
    }

    // A tiny character-level GPT-2 folder, 8 JSONL rows of the algorithm's format, and an experiment file using them.
    private string WriteDataExperiment(string algo, int maxSteps)
    {
        string modelFolder = Path.Combine(_directory, "base-model");
        var tokenizer = new CharacterTokenizer("abcdefgh ");
        var config = new Gpt2Config { VocabSize = tokenizer.VocabSize, NPositions = 32, NEmbd = 16, NLayer = 1, NHead = 2, EosTokenId = tokenizer.EosTokenId, BosTokenId = tokenizer.EosTokenId, PadTokenId = tokenizer.PadTokenId };
        using (var model = Gpt2LMHeadModel.Create(config, new torch.Generator(5))) model.SavePretrained(modelFolder);
        tokenizer.Save(modelFolder);
        string[] rows = [.. Enumerable.Range(0, 8).Select(i => algo == "sft"
            ? $"{{\"prompt\": \"{"abc"[i % 3]}b \", \"completion\": \"cde\"}}"
            : $"{{\"prompt\": \"{"abc"[i % 3]}b \", \"chosen\": \"cde\", \"rejected\": \"hg{"abc"[i % 3]}\"}}")];
        File.WriteAllLines(Path.Combine(_directory, "train.jsonl"), rows);
        string block = algo == "sft" ? "sft" : "dpo";
        string yaml = $"""
            experiment: my-{algo}
            algo: {algo}
            model: {modelFolder}
            train_file: {Path.Combine(_directory, "train.jsonl")}
            seed: 7
            {block}:
              learning_rate: 1.0e-3
              max_steps: {maxSteps}
              save_steps: 2
              logging_steps: 1
              per_device_train_batch_size: 2
            """;
        string path = Path.Combine(_directory, $"my-{algo}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
