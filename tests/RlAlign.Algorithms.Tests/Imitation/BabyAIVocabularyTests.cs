using RlAlign.Core;
using RlAlign.Envs.MiniGrid;
using RlAlign.Policies.Language;

namespace RlAlign.Algorithms.Tests.Imitation;

[TestFixture]
public sealed class BabyAIVocabularyTests
{
    /// <summary>Every kind of clause, connective, location and "object" description occurs among these levels.</summary>
    [TestCase("BabyAI-GoToLocal-v0")]
    [TestCase("BabyAI-PickupLoc-v0")]
    [TestCase("BabyAI-PutNextLocal-v0")]
    [TestCase("BabyAI-Open-v0")]
    [TestCase("BabyAI-GoToSeq-v0")]
    [TestCase("BabyAI-SynthLoc-v0")]
    [TestCase("BabyAI-BossLevel-v0")]
    [TestCase("BabyAI-MiniBossLevel-v0")]
    public void TokenizesEveryMissionOfSeeds0To49(string envId)
    {
        using IEnv env = Core.Envs.Make(envId);
        var observation = new float[env.ObservationSpace.FlatSize];
        var missions = new HashSet<string>();
        for (ulong seed = 0; seed < 50; seed++)
        {
            env.Reset(observation, seed);
            string mission = ((MiniGridEnv)env.Unwrapped).Mission;
            missions.Add(mission);
            long[] ids = BabyAIVocabulary.Tokenize(mission);
            Assert.That(ids, Has.Length.EqualTo(BabyAIVocabulary.Split(mission).Count()), mission);
            Assert.That(ids, Has.All.InRange(1L, BabyAIVocabulary.Size - 1), mission);
            Assert.That(string.Join(" ", ids.Select(id => BabyAIVocabulary.Words[(int)id - 1])),
                Is.EqualTo(string.Join(" ", BabyAIVocabulary.Split(mission))), mission);
        }
        Assert.That(missions, Has.Count.GreaterThan(1), "the seeds give different missions");
    }

    [Test]
    public void SplitsAtPunctuationAsBabyAI()
        => Assert.That(BabyAIVocabulary.Split("Go to the red ball, then open a door on your left"),
            Is.EqualTo(new[] { "go", "to", "the", "red", "ball", "then", "open", "a", "door", "on", "your", "left" }));

    [Test]
    public void EncodePadsWithZerosAndReturnsTheWordCount()
    {
        var destination = new long[8];
        destination.AsSpan().Fill(-1);
        int words = BabyAIVocabulary.Encode("pick up the key", destination);
        Assert.That(words, Is.EqualTo(4));
        Assert.That(destination[..4], Has.All.GreaterThan(0L));
        Assert.That(destination[4..], Has.All.EqualTo(BabyAIVocabulary.Padding));
    }

    [Test]
    public void AWordOutsideTheVocabularyIsNamedWithTheMission()
    {
        var error = Assert.Throws<MissionTokenException>(() => BabyAIVocabulary.Tokenize("go to the pink ball"))!;
        Assert.That(error.Message, Does.Contain("'pink'").And.Contain("\"go to the pink ball\""));
    }

    [Test]
    public void AMissionLongerThanTheDestinationFailsClearly()
    {
        var error = Assert.Throws<MissionTokenException>(() => BabyAIVocabulary.Encode("go to the red ball", new long[3]))!;
        Assert.That(error.Message, Does.Contain("5 words").And.Contain("at most 3"));
    }
}
