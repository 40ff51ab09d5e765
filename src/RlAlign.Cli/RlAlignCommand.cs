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
            BenchCommand.Create(),
            EnvsCommand.Create(),
            AlgosCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
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
            or FileNotFoundException or DirectoryNotFoundException or InvalidDataException;

    public static void WriteError(string message)
        => AnsiConsole.Console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
}
