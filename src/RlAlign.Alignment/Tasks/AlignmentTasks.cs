namespace RlAlign.Alignment.Tasks;

/// <summary>The built-in tasks by name, as experiments write them (<c>task: arithmetic</c>).</summary>
public static class AlignmentTasks
{
    private static readonly Dictionary<string, Func<IAlignmentTask>> Factories = new(StringComparer.Ordinal)
    {
        [ArithmeticTask.TaskName] = () => new ArithmeticTask(),
        [SortedWordTask.TaskName] = () => new SortedWordTask(),
    };

    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>A new instance of the task called <paramref name="name"/>, with its default settings.</summary>
    public static IAlignmentTask Get(string name)
    {
        if (Factories.TryGetValue(name, out Func<IAlignmentTask>? create)) return create();
        throw new ArgumentException($"Unknown alignment task '{name}'. Known tasks: {string.Join(", ", Names)}.", nameof(name));
    }
}
