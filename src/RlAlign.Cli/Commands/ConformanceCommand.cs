using System.CommandLine;
using RlAlign.Core.Conformance;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>
/// Replays reference traces recorded from the Python implementations and says which ones the ports
/// reproduce: one line per trace, then <c>N/M traces match</c>.
/// </summary>
public static class ConformanceCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A trace file or a folder of traces (e.g. ../shared/conformance)." };
        var failuresOnly = new Option<bool>("--failures-only") { Description = "Print only the traces that do not match." };
        var command = new Command("conformance", "Replay recorded Python traces through the ported envs and report which match.") { path, failuresOnly };
        command.SetAction((parseResult, cancellationToken) =>
        {
            string root = parseResult.GetValue(path)!;
            bool quiet = parseResult.GetValue(failuresOnly);
            IReadOnlyList<string> files = TraceReplayers.Find(root);
            string baseDirectory = Directory.Exists(root) ? root : Path.GetDirectoryName(Path.GetFullPath(root))!;
            int matched = 0;
            foreach (string file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TraceReport report = TraceReplayers.Replay(file);
                if (report.Matched) matched++;
                if (quiet && report.Matched) continue;
                string name = Path.GetRelativePath(baseDirectory, file);
                string starts = string.Join(", ", report.Outcomes.Select(o => $"{Describe(o.Start)} {(o.Matched ? "ok" : "MISMATCH")}"));
                int steps = report.Outcomes.Count == 0 ? 0 : report.Outcomes.Max(o => o.StepsChecked);
                AnsiConsole.MarkupLine(report.Matched
                    ? $"[green]match[/]    {Markup.Escape(name)}  [grey]({starts}; {steps} steps)[/]"
                    : $"[red]differs[/]  {Markup.Escape(name)}  [grey]({starts})[/]: {Markup.Escape(report.Outcomes.First(o => !o.Matched).Mismatch!)}");
            }
            AnsiConsole.MarkupLine($"{matched}/{files.Count} traces match");
            return Task.FromResult(matched == files.Count ? RlAlignCommand.ExitOk : RlAlignCommand.ExitFailure);
        });
        return command;
    }

    private static string Describe(TraceStart start) => start == TraceStart.Seed ? "from seed" : "from recorded state";
}
