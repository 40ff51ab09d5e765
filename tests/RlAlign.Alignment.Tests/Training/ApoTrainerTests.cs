using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tasks;
using RlAlign.Alignment.Tokenization;
using RlAlign.Alignment.Training;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Training;

public sealed class ApoTrainerTests
{
    /// <summary>Prefers the completion with more 'a's: P(first ≻ second) = σ(2·(#a(first) - #a(second))).</summary>
    private sealed class MoreAsOracle : IPreferenceOracle
    {
        public double PreferenceProbability(string prompt, string first, string second)
            => 1 / (1 + Math.Exp(-2.0 * (Count(first) - Count(second))));

        public static int Count(string text) => text.Count(c => c == 'a');
    }

    private static readonly string[] Prompts = ["a", "b", "c", "d", "ab", "cd", "ba", "dc"];

    private static ApoConfig Config(double alpha, int rounds) => new()
    {
        Rounds = rounds,
        Alpha = alpha,
        PromptsPerRound = Prompts.Length,
        MaxNewTokens = 6,
        Seed = 3,
        Dpo = new DpoTrainingConfig { LearningRate = 3e-2, Beta = 0.5, MaxSteps = 6, PerDeviceTrainBatchSize = 8, LoggingSteps = 6 },
    };

    // Mean number of 'a's in 8 sampled completions of each prompt, from a fixed generator seed.
    private static double MeanAs(Gpt2LMHeadModel model)
    {
        using var scope = NewDisposeScope();
        int[][] prompts = [.. Enumerable.Repeat(Prompts, 8).SelectMany(p => p).Select(p => Tiny.Tokenizer.Encode(p).ToArray())];
        using var batch = Collation.Prompts(prompts, Tiny.Tokenizer.PadTokenId);
        using var output = model.Generate(batch.InputIds, batch.AttentionMask, new GenerationOptions { MaxNewTokens = 6, DoSample = true }, new Generator(99));
        long[] ids = output.CompletionIds.data<long>().ToArray();
        return ids.Count(id => id == 0) / (double)prompts.Length; // 'a' is token 0
    }

    [Test]
    public void RoundsRaiseTheOraclePreference()
    {
        var sink = new RecordingSink();
        using var model = Tiny.Model(seed: 4);
        double before = MeanAs(model);
        using var apo = new ApoTrainer(model, Tiny.Tokenizer, new MoreAsOracle(), Prompts, Config(alpha: 0.3, rounds: 3), sink);
        IReadOnlyList<ApoRoundResult> rounds = apo.Train();
        double after = MeanAs(model);
        TestContext.Out.WriteLine($"mean count of a per 6-token completion: {before:F3} before, {after:F3} after 3 APO rounds");
        Assert.That(rounds, Has.Count.EqualTo(3));
        Assert.That(rounds.All(r => r.Pairs.Count + r.IdenticalPairsDropped == Prompts.Length), Is.True);
        Assert.That(after, Is.GreaterThan(before + 1.0), $"mean 'a' count per completion went from {before} to {after}");
        // Each round with pairs trains max_steps = 6 DPO steps, counted on from the earlier rounds' steps; a round whose
        // samples all coincide (the model has collapsed onto "aaaaaa") has no pairs and trains nothing.
        Assert.That(rounds[0].Pairs, Is.Not.Empty);
        long step = 0;
        long[] roundEnds = [.. rounds.Select(r => step += r.Pairs.Count > 0 ? 6 : 0)];
        Assert.That(sink.Records.Where(r => r.Name == "apo/pairs").Select(r => r.Step), Is.EqualTo(roundEnds));
        Assert.That(sink.Records.Where(r => r.Name == "loss").Select(r => r.Step), Is.EqualTo(roundEnds.Where((_, i) => rounds[i].Pairs.Count > 0)));
    }

    [TestCase(0.0)]
    [TestCase(0.5)]
    public void ReferenceIsTheSnapshotOrItsExtrapolation(double alpha)
    {
        using var model = Tiny.Model(seed: 4);
        using Gpt2LMHeadModel initial = Trainer.FrozenCopy(model);
        var snapshots = new List<Gpt2LMHeadModel>();
        using var apo = new ApoTrainer(model, Tiny.Tokenizer, new MoreAsOracle(), Prompts, Config(alpha, rounds: 2))
        {
            RoundCompleted = _ => snapshots.Add(Trainer.FrozenCopy(model)),
        };
        ApoRoundResult first = apo.RunRound();
        ApoRoundResult second = apo.RunRound();
        try
        {
            int pad = Tiny.Tokenizer.PadTokenId;
            // Round 1: π̂_0 = π̂_1, so the reference is the initial model whatever α.
            ReferenceLogps initialFirst = ReferenceLogps.Compute(initial, first.Pairs, pad);
            Assert.That(first.Reference!.Chosen, Is.EqualTo(initialFirst.Chosen).Within(1e-5));
            Assert.That(first.Reference.Rejected, Is.EqualTo(initialFirst.Rejected).Within(1e-5));
            // Round 2: (1+α)·log π̂_2 - α·log π̂_1, where π̂_2 is the model after round 1 and π̂_1 the initial model.
            ReferenceLogps latest = ReferenceLogps.Compute(snapshots[0], second.Pairs, pad);
            ReferenceLogps previous = ReferenceLogps.Compute(initial, second.Pairs, pad);
            double[] expectedChosen = [.. latest.Chosen.Zip(previous.Chosen, (l, p) => (1 + alpha) * l - alpha * p)];
            double[] expectedRejected = [.. latest.Rejected.Zip(previous.Rejected, (l, p) => (1 + alpha) * l - alpha * p)];
            Assert.That(second.Reference!.Chosen, Is.EqualTo(expectedChosen).Within(1e-4));
            Assert.That(second.Reference.Rejected, Is.EqualTo(expectedRejected).Within(1e-4));
            Assert.That(latest.Chosen, Is.Not.EqualTo(previous.Chosen).Within(1e-3), "round 1 moved the model");
        }
        finally
        {
            foreach (var snapshot in snapshots) snapshot.Dispose();
        }
    }

    [Test]
    public void IdenticalCompletionsAreDropped()
    {
        using var model = Tiny.Model(seed: 4);
        // Greedy-like sampling at a tiny temperature makes both completions of a prompt the same.
        var config = Config(0.3, 1) with { Temperature = 1e-4 };
        using var apo = new ApoTrainer(model, Tiny.Tokenizer, new MoreAsOracle(), Prompts, config);
        ApoRoundResult round = apo.RunRound();
        Assert.That(round.IdenticalPairsDropped, Is.EqualTo(Prompts.Length));
        Assert.That(round.Pairs, Is.Empty);
        Assert.That(round.Reference, Is.Null);
    }
}
