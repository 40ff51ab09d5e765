using RlAlign.Algorithms;

namespace RlAlign.Cli.Runs;

/// <summary>Lets a trainer be built before the metrics files are opened (a resume first truncates them).</summary>
internal sealed class ForwardingMetricsSink : IMetricsSink
{
    public IMetricsSink? Target { get; set; }
    public void Add(string name, double value, long step) => Target?.Add(name, value, step);
}
