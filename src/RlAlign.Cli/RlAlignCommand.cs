using System.CommandLine;
using RlAlign.Cli.Commands;
using RlAlign.Cli.Experiments;
using RlAlign.Core;
using Spectre.Console;

namespace RlAlign.Cli;

/// <summary>The <c>rlalign</c> command line: one subcommand per way of using the toolkit.</summary>
public static class RlAlignCommand
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null)
    {
        var root = new RootCommand("RlAlign: reinforcement learning and LLM alignment on TorchSharp.")
        {
            TrainCommand.Create(),
            EvalCommand.Create(),
            RenderCommand.Create(),
            BenchCommand.Create(),
            EnvsCommand.Create(),
            AlgosCommand.Create(),
            ConformanceCommand.Create(),
            DemosCommand.Create(),
            AlignCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        // Ctrl-C is handled by the commands themselves (training saves a checkpoint first), so the
        // parser's own handler, which would kill the process after a timeout, stays off.
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        using var redirect = output is null ? null : new ConsoleRedirect(output);
        if (output is not null) invocation.Output = output;
        try
        {
            return await parsed.InvokeAsync(invocation);
        }
        catch (Exception e) when (IsUserError(e))
        {
            WriteError(e.Message);
            return ExitUsage;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("RLALIGN_DEBUG") is null)
        {
            WriteError($"{e.GetType().Name}: {e.Message} (set RLALIGN_DEBUG=1 for the stack trace)");
            return ExitFailure;
        }
    }

    /// <summary>Errors caused by what the user typed or gave us: a message, no stack trace.</summary>
    public static bool IsUserError(Exception e)
        => e is ConfigException or UnknownEnvException or UnknownAlgorithmException or ArgumentException
            or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or RlAlign.Algorithms.CheckpointException or RlAlign.Algorithms.Imitation.DemonstrationFileException
            or RlAlign.Alignment.Data.DatasetFormatException or RlAlign.Policies.Language.ModelLoadException;

    /// <summary>Sends everything the CLI prints (plain and Spectre.Console output) to a writer, for tests and embedding.</summary>
    private sealed class ConsoleRedirect : IDisposable
    {
        private readonly TextWriter _originalOut = Console.Out;
        private readonly IAnsiConsole _originalAnsi = AnsiConsole.Console;

        public ConsoleRedirect(TextWriter output)
        {
            Console.SetOut(output);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            AnsiConsole.Console.Profile.Width = 400;
        }

        public void Dispose()
        {
            Console.SetOut(_originalOut);
            AnsiConsole.Console = _originalAnsi;
        }
    }

    public static void WriteError(string message)
        => AnsiConsole.Console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
}
