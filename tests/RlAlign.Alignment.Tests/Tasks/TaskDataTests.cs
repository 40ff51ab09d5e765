using RlAlign.Alignment.Data;
using RlAlign.Alignment.Tasks;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests.Tasks;

public sealed class TaskDataTests
{
    private static readonly ArithmeticTask Task = new();

    [Test]
    public void SftJsonlRoundTripsThroughSftDataset()
    {
        using var folder = new TempFolder();
        IReadOnlyList<SftExample> demonstrations = Task.Demonstrations(200, seed: 1);
        TaskDatasets.WriteSft(folder.File("sft.jsonl"), demonstrations);

        Assert.That(SftDataset.Open(folder.File("sft.jsonl")).ToList(), Is.EqualTo(demonstrations));
        Assert.That(Directory.GetFiles(folder.Path), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [Test]
    public void DemonstrationPairsAreOrderedByTheOracleAndRoundTrip()
    {
        using var folder = new TempFolder();
        IReadOnlyList<PreferenceExample> pairs = TaskDatasets.PairsFromDemonstrations(Task, new BradleyTerryRewardOracle(Task, temperature: 0), count: 300, seed: 2);

        Assert.That(pairs, Has.Count.InRange(150, 299), "identical demonstrations (both right, about a quarter) give no pair");
        Assert.That(pairs.All(p => p.Chosen != p.Rejected));
        Assert.That(pairs.All(p => Task.Reward(p.Prompt, p.Chosen) >= Task.Reward(p.Prompt, p.Rejected)));
        Assert.That(pairs.Count(p => Task.Reward(p.Prompt, p.Chosen) > Task.Reward(p.Prompt, p.Rejected)), Is.GreaterThan(pairs.Count / 2));
        Assert.That(TaskDatasets.PairsFromDemonstrations(Task, new BradleyTerryRewardOracle(Task, 0), 300, seed: 2), Is.EqualTo(pairs));

        TaskDatasets.WritePreferences(folder.File("pairs.jsonl"), pairs);
        Assert.That(PreferenceDataset.Open(folder.File("pairs.jsonl")).ToList(), Is.EqualTo(pairs));
    }

    [Test]
    public void ModelPairsAreReproducibleAndLoadWithThePreferenceReader()
    {
        using var scope = NewDisposeScope();
        using Gpt2LMHeadModel model = TaskTestModels.Random(Task, seed: 4);
        IReadOnlyList<string> prompts = Task.Prompts(40, seed: 3);
        var oracle = new BradleyTerryRewardOracle(Task, temperature: 0.1);
        GenerationOptions options = TaskSampling.DefaultGeneration(Task);

        IReadOnlyList<PreferenceExample> pairs = TaskDatasets.PairsFromModel(model, Task, oracle, prompts, options, seed: 9);
        Assert.That(TaskDatasets.PairsFromModel(model, Task, oracle, prompts, options, seed: 9), Is.EqualTo(pairs));
        Assert.That(pairs, Has.Count.InRange(30, 40), "a random model's two samples rarely coincide");
        Assert.That(pairs.Select(p => p.Prompt).Distinct().All(prompts.Contains));

        using var folder = new TempFolder();
        TaskDatasets.WritePreferences(folder.File("pairs.jsonl"), pairs);
        Assert.That(PreferenceDataset.Open(folder.File("pairs.jsonl")).ToList(), Is.EqualTo(pairs));
    }

    [Test]
    public void AnEosOnlySampleIsWrittenAsTheEosText()
    {
        int eos = Task.Tokenizer.EosTokenId;
        var eosOnly = new TaskSample("1+2=", "", [1, 10, 2, 11], [eos], Finished: true);
        Assert.That(TaskDatasets.AsDatasetCompletion(eosOnly, Task), Is.EqualTo(Task.Tokenizer.EosToken));
        Assert.That(Task.Tokenizer.Tokenize(new SftExample("1+2=", Task.Tokenizer.EosToken)).CompletionIds, Is.EqualTo(new[] { eos }), "it tokenizes back to EOS alone");
        Assert.That(TaskDatasets.AsDatasetCompletion(eosOnly with { Completion = "3", CompletionIds = [3, eos] }, Task), Is.EqualTo("3"));
    }
}
