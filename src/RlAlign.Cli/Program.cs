using RlAlign.Cli;
using RlAlign.Policies;
using Spectre.Console;

// Before libtorch is loaded: large CPU tensors (a language model's logits) get huge pages, and on AMD CPUs
// MKL's float32 matrix products run on its AVX2/AVX-512 kernels.
TorchRuntime.EnableHugePages();
TorchRuntime.UseMklFeatureKernelsOnAmd();
// Piped or redirected output has no terminal width; Spectre.Console would assume 80 columns and wrap
// tables (env ids split over lines) that scripts and log files read more easily whole.
if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = 240;
return await RlAlignCommand.RunAsync(args);
