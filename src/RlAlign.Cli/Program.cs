using RlAlign.Cli;
using Spectre.Console;

// Piped or redirected output has no terminal width; Spectre.Console would assume 80 columns and wrap
// tables (env ids split over lines) that scripts and log files read more easily whole.
if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = 240;
return await RlAlignCommand.RunAsync(args);
