using System.CommandLine;
using RlAlign.Core;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

public static class EnvsCommand
{
    public static Command Create()
    {
        var filter = new Argument<string?>("filter") { Description = "Only ids containing this text.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("envs", "List the registered environment ids with their spaces and time limits.") { filter };
        command.SetAction(parseResult =>
        {
            string? text = parseResult.GetValue(filter);
            var table = new Table().AddColumn("id").AddColumn("observation space").AddColumn("action space").AddColumn(new TableColumn("max steps").RightAligned());
            int count = 0;
            foreach (string id in Core.Envs.Ids)
            {
                if (text is not null && !id.Contains(text, StringComparison.OrdinalIgnoreCase)) continue;
                count++;
                IEnv env;
                try
                {
                    env = Core.Envs.Make(id);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // An env whose native library or runtime is missing (e.g. MuJoCo) is listed with the reason.
                    table.AddRow(Markup.Escape(id), $"[yellow]unavailable:[/] {Markup.Escape(e.Message)}", "", Core.Envs.Spec(id).MaxEpisodeSteps?.ToString() ?? "-");
                    continue;
                }
                using (env)
                    table.AddRow(Markup.Escape(id), Markup.Escape(env.ObservationSpace.ToString()!), Markup.Escape(env.ActionSpace.ToString()!),
                        env.Spec?.MaxEpisodeSteps?.ToString() ?? "-");
            }
            foreach (string prefix in Core.Envs.Registry.Prefixes)
                if (text is null || prefix.Contains(text, StringComparison.OrdinalIgnoreCase))
                    table.AddRow(Markup.Escape($"{prefix}<ID>"), "[grey]the id's own spaces[/]", "", "-");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]{count} environment(s)[/]");
            return 0;
        });
        return command;
    }
}
