using NUnit.Framework;
using RlAlign.Envs.MiniGrid;

namespace RlAlign.Core.Tests.MiniGrid;

/// <summary>
/// Replays the traces recorded from Python Minigrid 3.1 from the seed alone: the reset layout and every
/// step's observation, agent state, reward, flags and generator state must match.
/// </summary>
[TestFixture]
public sealed class MiniGridConformanceTests
{
    /// <summary>One case per trace of an id this port registers; the others are listed by <see cref="UncoveredTraceIds"/>.</summary>
    public static IEnumerable<TestCaseData> RegisteredTraces()
    {
        IReadOnlyList<(string File, string EnvId)> index;
        try { index = MiniGridTrace.Index(); }
        catch (IgnoreException e)
        {
            return [new TestCaseData("(no traces)").Ignore(e.Message)];
        }
        return index.Where(t => Core.Envs.Registry.TryGet(t.EnvId, out _))
            .Select(t => new TestCaseData(t.File).SetName($"Trace({t.File})"));
    }

    [TestCaseSource(nameof(RegisteredTraces))]
    public void TraceMatchesFromSeed(string file)
    {
        MiniGridTrace trace = MiniGridTrace.Load(file);
        using IEnv made = Core.Envs.Make(trace.EnvId);
        Assert.That(made, Is.InstanceOf<MiniGridEnv>(), "MiniGrid ids register without a TimeLimit wrapper.");
        var env = (MiniGridEnv)made;
        Assert.That((env.Width, env.Height, env.MaxSteps), Is.EqualTo((trace.Width, trace.Height, trace.MaxSteps)));

        var observation = new float[env.ObservationSpace.FlatSize];
        env.Reset(observation, trace.Seed);
        Assert.That(EncodeGrid(env), Is.EqualTo(trace.ResetGrid), "reset grid");
        AssertMatches(env, observation, trace.Reset, "reset");

        foreach (TraceSnapshot step in trace.Steps)
        {
            StepResult result = env.Step([step.Action], observation);
            string where = $"step {env.StepCount} (action {step.Action})";
            Assert.That(result.Reward, Is.EqualTo(step.Reward).Within(1e-6), $"{where}: reward");
            Assert.That((result.Terminated, result.Truncated), Is.EqualTo((step.Terminated, step.Truncated)), $"{where}: terminated, truncated");
            AssertMatches(env, observation, step, where);
        }
        Assert.That(EncodeGrid(env), Is.EqualTo(trace.FinalGrid), "final grid");
    }

    [Test]
    public void UncoveredTraceIds()
    {
        IReadOnlyList<(string File, string EnvId)> index;
        try { index = MiniGridTrace.Index(); }
        catch (IgnoreException e)
        {
            Assert.Ignore(e.Message);
            return;
        }
        string[] uncovered = index.Select(t => t.EnvId).Distinct()
            .Where(id => !Core.Envs.Registry.TryGet(id, out _)).Order(StringComparer.Ordinal).ToArray();
        // The gap stays visible in the test log until every traced id is ported.
        TestContext.Out.WriteLine(uncovered.Length == 0
            ? "Every traced MiniGrid id is ported."
            : $"Traced MiniGrid ids not ported yet ({uncovered.Length}): {string.Join(", ", uncovered)}");
        Assert.That(index, Is.Not.Empty);
    }

    internal static int[] EncodeGrid(MiniGridEnv env)
    {
        var bytes = new byte[env.Width * env.Height * 3];
        env.Grid.Encode(bytes);
        return Array.ConvertAll(bytes, b => (int)b);
    }

    private static void AssertMatches(MiniGridEnv env, float[] observation, TraceSnapshot expected, string where)
    {
        int imageLength = env.AgentViewSize * env.AgentViewSize * 3;
        int[] image = observation.AsSpan(env.ImageOffset, imageLength).ToArray().Select(v => (int)v).ToArray();
        Assert.That(image, Is.EqualTo(expected.Image), $"{where}: image");
        Assert.That((int)observation[env.DirectionOffset], Is.EqualTo(expected.Direction), $"{where}: direction");
        Assert.That(env.Mission, Is.EqualTo(expected.Mission), $"{where}: mission");
        Assert.That(env.AgentPosition, Is.EqualTo(expected.AgentPosition), $"{where}: agent_pos");
        Assert.That(env.AgentDirection, Is.EqualTo(expected.AgentDirection), $"{where}: agent_dir");
        Assert.That(env.StepCount, Is.EqualTo(expected.StepCount), $"{where}: step_count");
        if (expected.Carrying is null)
        {
            Assert.That(env.Carrying, Is.Null, $"{where}: carrying");
        }
        else
        {
            Assert.That(env.Carrying, Is.Not.Null, $"{where}: carrying");
            CellEncoding encoding = env.Carrying!.Encode();
            Assert.That(new[] { (int)encoding.Type, encoding.Color, encoding.State }, Is.EqualTo(expected.Carrying.Encoding), $"{where}: carrying encoding");
            Assert.That((env.Carrying.Type.Name(), env.Carrying.Color.Name()), Is.EqualTo((expected.Carrying.Type, expected.Carrying.Color)), $"{where}: carrying names");
        }
        var state = env.Generator!.State;
        Assert.That((state.State, state.HasUInt32, state.UInteger), Is.EqualTo((expected.Rng.State, expected.Rng.HasUInt32, expected.Rng.UInteger)), $"{where}: rng");
    }
}
