using RlAlign.Algorithms.Imitation;
using RlAlign.Cli.Commands;
using RlAlign.Core;
using RlAlign.Policies;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests.Imitation;

/// <summary>PPO with the BabyAI FiLM policy: recurrent memory (ppo_atari_lstm.py conventions) and fine-tuning from behaviour cloning.</summary>
[TestFixture]
public sealed class BabyAIPpoTests
{
    private const string Level = "BabyAI-GoToLocal-v0";
    private static readonly BabyAIPolicyOptions Small = new() { WordSize = 16, Channels = 8 };
    private static readonly Lazy<DemonstrationSet> FewDemos = new(() => DemosCommand.Record(Level, 4, 0).Demos);

    private static PpoConfig SmallPpo(PolicyMemory memory, int iterations = 3, int numMinibatches = 2, int numEnvs = 4, int numSteps = 32) => new()
    {
        EnvId = Level, Policy = PolicyArchitecture.BabyAI, WordSize = Small.WordSize, Channels = Small.Channels, Memory = memory,
        NumEnvs = numEnvs, NumSteps = numSteps, NumMinibatches = numMinibatches, UpdateEpochs = 2, TotalTimesteps = iterations * numEnvs * numSteps,
        LearningRate = 1e-3,
    };

    private static BcConfig SmallBc => new()
    {
        EnvId = Level, Demos = "(in memory)", Seed = 3, Epochs = 1, BatchSize = 16, LearningRate = 3e-3,
        WordSize = Small.WordSize, Channels = Small.Channels,
    };

    /// <summary>A few consecutive observations of one episode of <see cref="Level"/>, as rows [n, observation size].</summary>
    private static Tensor Observations(int count)
    {
        using IEnv env = Core.Envs.Make(Level);
        int size = env.ObservationSpace.FlatSize;
        var rows = new float[count * size];
        var observation = new float[size];
        env.Reset(observation, 7);
        for (int i = 0; i < count; i++)
        {
            observation.CopyTo(rows, i * size);
            env.Step([2f], observation); // forward
        }
        return tensor(rows, [count, size]);
    }

    [TestCase(PolicyMemory.Lstm)]
    [TestCase(PolicyMemory.Gru)]
    public void TheMemoryIsZeroedWhereAnEpisodeStartsAndCarriedElsewhere(PolicyMemory memory)
    {
        using var scope = NewDisposeScope();
        using IEnv env = Core.Envs.Make(Level);
        using var generator = new Generator(5);
        using var policy = new BabyAIPolicy(env.ObservationSpace, env.ActionSpace, Small with { Memory = memory }, generator);
        Tensor rows = Observations(3);
        Tensor someMemory = randn([1, policy.MemorySize], generator: generator);
        using var noGrad = no_grad();

        // One env, three steps; the third observation starts a new episode. (Batches of other sizes round the
        // convolutions differently in the last bits, hence the tolerance.)
        (PolicyOutput sequence, Tensor _) = policy.UnrollLogits(rows, someMemory, tensor(new float[] { 0, 0, 1 }));
        (PolicyOutput fresh, Tensor _) = policy.UnrollLogits(rows.narrow(0, 2, 1), zeros([1, policy.MemorySize]), zeros(1));
        Assert.That(TensorAssert.ToArray(sequence.Logits[2]), Is.EqualTo(TensorAssert.ToArray(fresh.Logits[0])).Within(1e-6));
        Assert.That(TensorAssert.ToArray(sequence.Value[2]), Is.EqualTo(TensorAssert.ToArray(fresh.Value[0])).Within(1e-6));

        // Without the reset the same observation reads the carried memory, and gives another output.
        (PolicyOutput carried, Tensor _) = policy.UnrollLogits(rows, someMemory, zeros(3));
        Assert.That((carried.Logits[2] - fresh.Logits[0]).abs().max().item<float>(), Is.GreaterThan(1e-4));
        // A start at the first step ignores the memory it was given.
        (PolicyOutput restarted, Tensor _) = policy.UnrollLogits(rows.narrow(0, 2, 1), someMemory, ones(1));
        Assert.That(TensorAssert.ToArray(restarted.Logits), Is.EqualTo(TensorAssert.ToArray(fresh.Logits)).Within(1e-6));
    }

    [Test]
    public void ARecurrentPolicyRefusesRowByRowCalls()
    {
        using IEnv env = Core.Envs.Make(Level);
        using var policy = new BabyAIPolicy(env.ObservationSpace, env.ActionSpace, Small with { Memory = PolicyMemory.Lstm });
        using Tensor rows = Observations(1);
        var error = Assert.Throws<InvalidOperationException>(() => policy.forward(rows))!;
        Assert.That(error.Message, Does.Contain("Lstm memory").And.Contain("Unroll"));
    }

    [TestCase(PolicyMemory.Lstm)]
    [TestCase(PolicyMemory.Gru)]
    [TestCase(PolicyMemory.None)]
    public void ReRunningTheStoredSequencesReproducesTheRolloutsLogProbsAndValues(PolicyMemory memory)
    {
        // One minibatch holds every env's whole sequence, so the first minibatch of an iteration re-runs the whole
        // rollout from the memory it started with, through the episode resets inside it: before any update, ratio = 1.
        var firstMinibatches = new List<MinibatchStats>();
        using var trainer = new PpoTrainer(SmallPpo(memory, iterations: 3, numMinibatches: 1));
        trainer.MinibatchCompleted += stats =>
        {
            if (stats.Epoch == 0 && stats.Minibatch == 0) firstMinibatches.Add(stats);
        };
        bool episodeEndedInsideARollout = false;
        while (!trainer.IsFinished)
        {
            trainer.RunIteration();
            episodeEndedInsideARollout |= trainer.Rollout.Dones.Skip(trainer.Config.NumEnvs).Any(done => done == 1f);
        }

        Assert.That(episodeEndedInsideARollout, Is.True, "the test needs an episode start inside a stored sequence");
        Assert.That(trainer.Policy.MemorySize, Is.EqualTo(memory switch { PolicyMemory.Lstm => 16, PolicyMemory.Gru => 8, _ => 0 }));
        Assert.That(firstMinibatches, Has.Count.EqualTo(3));
        foreach (MinibatchStats stats in firstMinibatches)
        {
            Assert.That(stats.MaxRatioDeviation, Is.LessThan(1e-6), $"iteration {stats.Iteration}: max |ratio - 1|");
            Assert.That(stats.ApproxKl, Is.EqualTo(0).Within(1e-7), $"iteration {stats.Iteration}: approx_kl");
        }
    }

    [Test]
    public void RecurrentTrainingIsDeterministicBySeedAndResumesExactly()
    {
        PpoConfig config = SmallPpo(PolicyMemory.Lstm, iterations: 3, numSteps: 16);
        using var straight = new PpoTrainer(config);
        straight.Train();
        using var again = new PpoTrainer(config);
        again.Train();
        Assert.That(TensorAssert.ParameterBytes(again.Policy), Is.EqualTo(TensorAssert.ParameterBytes(straight.Policy)));
        Assert.That(again.Rollout.Advantages, Is.EqualTo(straight.Rollout.Advantages));

        // The carried memory is part of the checkpoint: a run stopped mid-way continues bit for bit.
        string path = Path.Combine(Path.GetTempPath(), $"rlalign-babyai-ppo-{Guid.NewGuid():N}.ckpt");
        try
        {
            using (var first = new PpoTrainer(config))
            {
                first.RunIteration();
                first.RunIteration();
                first.SaveCheckpoint(path);
            }
            using var resumed = new PpoTrainer(config);
            resumed.LoadCheckpoint(path);
            resumed.Train();
            Assert.That(TensorAssert.ParameterBytes(resumed.Policy), Is.EqualTo(TensorAssert.ParameterBytes(straight.Policy)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void SequenceMinibatchesNeedNumMinibatchesToDivideNumEnvs()
    {
        var error = Assert.Throws<ArgumentException>(() => (SmallPpo(PolicyMemory.Gru) with { NumEnvs = 3, NumSteps = 32, TotalTimesteps = 96, NumMinibatches = 2 }).Validate())!;
        Assert.That(error.Message, Does.Contain("num_minibatches (2) must divide num_envs (3)"));
        Assert.DoesNotThrow(() => (SmallPpo(PolicyMemory.None) with { NumEnvs = 3, NumSteps = 32, TotalTimesteps = 96, NumMinibatches = 2 }).Validate());
    }

    [Test]
    public void InitFromStartsTheActorAndTrunkFromTheClonedPolicyAndTheCriticFresh()
    {
        string folder = Directory.CreateTempSubdirectory("rlalign-babyai-ppo-").FullName;
        try
        {
            using var bc = new BehaviorCloning(SmallBc, FewDemos.Value);
            bc.RunEpoch();
            string path = Path.Combine(folder, "bc.ckpt");
            bc.SaveCheckpoint(path);

            PpoConfig config = SmallPpo(PolicyMemory.None) with { InitFrom = path };
            using var tuned = new PpoTrainer(config);
            using var scratch = new PpoTrainer(config with { InitFrom = null });
            var policy = (BabyAIPolicy)tuned.Policy;
            using (NewDisposeScope())
            using (no_grad())
            {
                Tensor rows = Observations(4);
                PolicyOutput cloned = bc.Policy.forward(rows), started = policy.forward(rows);
                Assert.That(TensorAssert.ToArray(started.Logits), Is.EqualTo(TensorAssert.ToArray(cloned.Logits)));
            }
            Dictionary<string, byte[]> tunedParameters = TensorAssert.ParameterBytes(policy);
            Dictionary<string, byte[]> clonedParameters = TensorAssert.ParameterBytes(bc.Policy);
            Dictionary<string, byte[]> scratchParameters = TensorAssert.ParameterBytes(scratch.Policy);
            foreach ((string name, byte[] bytes) in tunedParameters)
            {
                bool critic = name.StartsWith(BabyAIPolicy.CriticPrefix, StringComparison.Ordinal);
                Assert.That(bytes, Is.EqualTo(critic ? scratchParameters[name] : clonedParameters[name]), name);
            }
            Assert.That(tunedParameters["actor.0.weight"], Is.Not.EqualTo(scratchParameters["actor.0.weight"]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ABadInitFromIsAClearError()
    {
        string folder = Directory.CreateTempSubdirectory("rlalign-babyai-ppo-").FullName;
        try
        {
            using var bc = new BehaviorCloning(SmallBc, FewDemos.Value);
            string bcPath = Path.Combine(folder, "bc.ckpt");
            bc.SaveCheckpoint(bcPath);
            string ppoPath = Path.Combine(folder, "ppo.ckpt");
            using (var ppo = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 1)))
                ppo.SaveCheckpoint(ppoPath);
            PpoConfig config = SmallPpo(PolicyMemory.None, numEnvs: 1, numMinibatches: 1);

            string Error<T>(PpoConfig bad) where T : Exception => Assert.Throws<T>(() => new PpoTrainer(bad).Dispose())!.Message;

            Assert.That(Error<CheckpointException>(config with { InitFrom = ppoPath }),
                Does.Contain("behaviour-cloning checkpoint").And.Contain("'ppo' trainer"));
            Assert.That(Error<CheckpointException>(config with { InitFrom = bcPath, Channels = 16 }),
                Does.Contain("channels: checkpoint 8, this run 16"));
            Assert.That(Error<CheckpointException>(config with { InitFrom = bcPath, Memory = PolicyMemory.Lstm }),
                Does.Contain("memory: checkpoint none, this run lstm"));
            Assert.That(Error<CheckpointException>(config with { InitFrom = bcPath, EnvId = "BabyAI-GoToObj-v0" }),
                Does.Contain("cloned on 'BabyAI-GoToLocal-v0'").And.Contain("'BabyAI-GoToObj-v0'"));
            Assert.That(Error<FileNotFoundException>(config with { InitFrom = Path.Combine(folder, "missing.ckpt") }),
                Does.Contain("init_from").And.Contain("missing.ckpt"));
            var invalid = Assert.Throws<ArgumentException>(() => (TestConfigs.SmallCartPole() with { InitFrom = bcPath }).Validate())!;
            Assert.That(invalid.Message, Does.Contain("init_from").And.Contain("policy: baby_ai"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
