using RlAlign.Core.Vector;

namespace RlAlign.Algorithms.Tests;

public sealed class CheckpointTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("rlalign-ckpt").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static PpoConfig Discrete => TestConfigs.SmallCartPole(iterations: 6);
    private static PpoConfig Continuous => TestConfigs.SmallPendulum(iterations: 6);

    [TestCaseSource(nameof(Configs))]
    public void ResumingFromACheckpointIsBitwiseIdenticalToTrainingStraight(PpoConfig config)
    {
        var straightEpisodes = new List<EpisodeStats>();
        using var straight = new PpoTrainer(config);
        straight.EpisodeCompleted += straightEpisodes.Add;
        straight.Train();

        string checkpoint = PathOf("resume.ckpt");
        using (var first = new PpoTrainer(config))
        {
            for (int i = 0; i < 3; i++) first.RunIteration();
            first.SaveCheckpoint(checkpoint);
            first.RunIteration(); // training on after the save must not affect the checkpoint
        }
        var resumedEpisodes = new List<EpisodeStats>();
        using var resumed = new PpoTrainer(config);
        resumed.EpisodeCompleted += resumedEpisodes.Add;
        resumed.LoadCheckpoint(checkpoint);
        Assert.That(resumed.Iteration, Is.EqualTo(3));
        Assert.That(resumed.GlobalStep, Is.EqualTo(3L * config.BatchSize));
        resumed.Train();

        Assert.That(TensorAssert.ParameterBytes(resumed.Policy), Is.EqualTo(TensorAssert.ParameterBytes(straight.Policy)));
        Assert.That(resumed.GlobalStep, Is.EqualTo(straight.GlobalStep));
        Assert.That(TensorAssert.ToArray(resumed.Rollout.Observations), Is.EqualTo(TensorAssert.ToArray(straight.Rollout.Observations)));
        // Episodes that were under way at the save finish with the same (raw) returns and lengths.
        Assert.That(resumedEpisodes, Is.Not.Empty);
        Assert.That(resumedEpisodes, Is.EqualTo(straightEpisodes.Where(e => e.GlobalStep > 3L * config.BatchSize)));
    }

    private static IEnumerable<TestCaseData> Configs()
    {
        yield return new TestCaseData(Discrete).SetArgDisplayNames("CartPole");
        yield return new TestCaseData(Continuous).SetArgDisplayNames("Pendulum with all wrappers");
    }

    [Test]
    public void FromCheckpointRebuildsTheTrainerFromTheStoredConfig()
    {
        string checkpoint = PathOf("latest.ckpt");
        PpoConfig config = Discrete with { Seed = 42, EntCoef = 0.02 };
        using (var trainer = new PpoTrainer(config))
        {
            trainer.RunIteration();
            trainer.SaveCheckpoint(checkpoint);
        }

        using PpoTrainer restored = PpoTrainer.FromCheckpoint(checkpoint, adjust: c => c with { TotalTimesteps = c.TotalTimesteps * 2 });

        Assert.That(restored.Config.Seed, Is.EqualTo(42));
        Assert.That(restored.Config.EntCoef, Is.EqualTo(0.02));
        Assert.That(restored.NumIterations, Is.EqualTo(12));
        Assert.That(restored.Iteration, Is.EqualTo(1));
    }

    [Test]
    public void AMissingCheckpointIsAFileNotFoundErrorNamingThePath()
    {
        using var trainer = new PpoTrainer(Discrete);
        string missing = PathOf("nope.ckpt");

        Assert.That(() => trainer.LoadCheckpoint(missing), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(missing));
    }

    [Test]
    public void TruncatedCorruptAndForeignFilesAreRejectedClearly()
    {
        string good = PathOf("good.ckpt");
        using var trainer = new PpoTrainer(Discrete);
        trainer.RunIteration();
        trainer.SaveCheckpoint(good);
        byte[] bytes = File.ReadAllBytes(good);

        string truncated = PathOf("truncated.ckpt");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 100)]);
        string flipped = PathOf("flipped.ckpt");
        byte[] corrupt = (byte[])bytes.Clone();
        corrupt[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(flipped, corrupt);
        string text = PathOf("notes.ckpt");
        File.WriteAllText(text, "these are not the weights you are looking for");
        string empty = PathOf("empty.ckpt");
        File.WriteAllBytes(empty, []);

        Assert.That(() => trainer.LoadCheckpoint(truncated), Throws.TypeOf<CheckpointException>().With.Message.Contains("truncated"));
        Assert.That(() => trainer.LoadCheckpoint(flipped), Throws.TypeOf<CheckpointException>().With.Message.Contains("checksum"));
        Assert.That(() => trainer.LoadCheckpoint(text), Throws.TypeOf<CheckpointException>().With.Message.Contains("not an RlAlign checkpoint"));
        Assert.That(() => trainer.LoadCheckpoint(empty), Throws.TypeOf<CheckpointException>().With.Message.Contains("not an RlAlign checkpoint"));
        Assert.DoesNotThrow(() => trainer.LoadCheckpoint(good));
    }

    [Test]
    public void ACheckpointFromAnotherEnvOrAlgorithmIsRejectedByName()
    {
        string cartPole = PathOf("cartpole.ckpt");
        using (var trainer = new PpoTrainer(Discrete)) trainer.SaveCheckpoint(cartPole);
        string other = PathOf("dpo.ckpt");
        CheckpointFile.Write(other, "dpo", writer => writer.Write("weights"));

        using var acrobot = new PpoTrainer(Discrete with { EnvId = "Acrobot-v1" });
        Assert.That(() => acrobot.LoadCheckpoint(cartPole),
            Throws.TypeOf<CheckpointException>().With.Message.Contains("'CartPole-v1'").And.Message.Contains("'Acrobot-v1'"));
        Assert.That(() => acrobot.LoadCheckpoint(other), Throws.TypeOf<CheckpointException>().With.Message.Contains("'dpo'"));

        using var wider = new PpoTrainer(Discrete with { HiddenSizes = [32, 32] });
        Assert.That(() => wider.LoadCheckpoint(cartPole), Throws.TypeOf<CheckpointException>().With.Message.Contains("hidden_sizes"));
    }

    [Test]
    public void AFailedSaveLeavesThePreviousCheckpointAndNoPartialFile()
    {
        string checkpoint = PathOf("latest.ckpt");
        PpoConfig config = Discrete;
        using (var trainer = new PpoTrainer(config)) trainer.SaveCheckpoint(checkpoint);
        byte[] before = File.ReadAllBytes(checkpoint);

        using IVectorEnv envs = TestConfigs.MakeEnvs(config, env => new NotStateful(env));
        using var unsaveable = new PpoTrainer(config, envs);
        unsaveable.RunIteration();

        Assert.That(() => unsaveable.SaveCheckpoint(checkpoint), Throws.TypeOf<NotSupportedException>().With.Message.Contains(nameof(NotStateful)));
        Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_directory), Is.EqualTo(new[] { checkpoint }));
    }

    [Test]
    public void SavingOverAnExistingCheckpointReplacesItWhole()
    {
        string checkpoint = PathOf("latest.ckpt");
        using var trainer = new PpoTrainer(Discrete);
        trainer.SaveCheckpoint(checkpoint);
        trainer.RunIteration();
        trainer.SaveCheckpoint(checkpoint);

        using var restored = new PpoTrainer(Discrete);
        restored.LoadCheckpoint(checkpoint);

        Assert.That(restored.Iteration, Is.EqualTo(1));
        Assert.That(TensorAssert.ParameterBytes(restored.Policy), Is.EqualTo(TensorAssert.ParameterBytes(trainer.Policy)));
        Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1));
    }
}
