using System.Text.Json;
using NUnit.Framework;

namespace RlAlign.Core.Tests;

/// <summary>
/// Finds the reference traces recorded from the Python implementations: <c>shared/conformance</c>
/// beside the repository (as laid out for developers and CI), or the folder in RLALIGN_CONFORMANCE.
/// </summary>
public static class ConformanceData
{
    private static readonly Lazy<string?> RootPath = new(Locate);

    public static string Root => RootPath.Value
        ?? throw new IgnoreException("Conformance traces not found: put shared/conformance beside the repository or set RLALIGN_CONFORMANCE.");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every (file, env id) that <c>{family}/index.json</c> lists; throws <see cref="IgnoreException"/> without traces.</summary>
    public static IReadOnlyList<(string File, string EnvId)> Index(string family)
    {
        using JsonDocument index = JsonDocument.Parse(File.ReadAllText(PathOf(family, "index.json")));
        return index.RootElement.GetProperty("traces").EnumerateArray()
            .Select(e => (e.GetProperty("file").GetString()!, e.GetProperty("env_id").GetString()!))
            .ToArray();
    }

    private static string? Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("RLALIGN_CONFORMANCE");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment)) return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "conformance"), Path.Combine(dir.FullName, "..", "shared", "conformance") })
                if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }
}
