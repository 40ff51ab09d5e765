using System.CommandLine;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>Thrown for an algorithm name the CLI does not know.</summary>
public sealed class UnknownAlgorithmException(string name)
    : ArgumentException($"Unknown algorithm '{name}'. Available: {string.Join(", ", AlgorithmCatalog.Names)} (`rlalign algos` describes them).");

/// <summary>The algorithms <c>rlalign train</c> can run.</summary>
public static class AlgorithmCatalog
{
    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        ("ppo", "Proximal Policy Optimization (clip), CleanRL's ppo.py / ppo_continuous_action.py with every detail of spec §1"),
        ("bc", "Behaviour cloning (BabyAI's imitation learning, non-recurrent) of a FiLM language-conditioned policy on `rlalign demos` demonstrations"),
    ];

    public static IEnumerable<string> Names => All.Select(a => a.Name);

    public static string Require(string name)
        => All.Any(a => a.Name == name) ? name : throw new UnknownAlgorithmException(name);
}

public static class AlgosCommand
{
    /// <summary>What <c>rlalign align</c>'s <c>algo:</c> values do.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> AlignAlgorithms =
    [
        ("sft", "Supervised fine-tuning, completion-only loss (TRL's SFTTrainer), on a built-in task's demonstrations or your {prompt, completion} / {messages} JSONL"),
        ("dpo", "Direct preference optimisation (TRL's DPOTrainer: sigmoid, cDPO, robust, hinge, ipo, sppo_hard; frozen, precomputed or TR-DPO reference) on your pairs; on a built-in task, SFT then iterative online DPO"),
        ("apo", "Accelerated preference optimisation (He, Yuan, Gu 2024): iterative DPO against a Nesterov-extrapolated reference, on a built-in task with its oracle"),
    ];

    public static Command Create()
    {
        var command = new Command("algos", "List the algorithms `rlalign train` and `rlalign align` can run.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumn("command").AddColumn("algo").AddColumn("description");
            foreach ((string name, string description) in AlgorithmCatalog.All) table.AddRow("train", name, Markup.Escape(description));
            foreach ((string name, string description) in AlignAlgorithms) table.AddRow("align", name, Markup.Escape(description));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
