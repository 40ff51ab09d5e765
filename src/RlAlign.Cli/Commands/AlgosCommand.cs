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
    public static Command Create()
    {
        var command = new Command("algos", "List the algorithms `rlalign train` can run.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumn("algo").AddColumn("description");
            foreach ((string name, string description) in AlgorithmCatalog.All) table.AddRow(name, Markup.Escape(description));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
