using System.CommandLine;
using RlAlign.Cli;

return await RlAlignCommand.RunAsync(args);
