using RlAlign.Cli;
using RlAlign.Policies;
using Spectre.Console;

// Before the first tensor exists: large CPU tensors (a language model's logits) get huge pages.
TorchRuntime.EnableHugePages();
// Piped or redirected output has no terminal width; Spectre.Console would assume 80 columns and wrap
// tables (env ids split over lines) that scripts and log files read more easily whole.
if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = 240;
return await RlAlignCommand.RunAsync(args);
