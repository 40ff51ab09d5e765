using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RlAlign.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
