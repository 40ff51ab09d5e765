global using NUnit.Framework;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

internal static class TestModels
{
    /// <summary>A GPT-2 small enough that a forward pass takes microseconds: vocab 40, 32 positions, 2 layers of width 16.</summary>
    public static Gpt2Config TinyConfig { get; } = new()
    {
        VocabSize = 40,
        NPositions = 32,
        NEmbd = 16,
        NLayer = 2,
        NHead = 2,
        BosTokenId = 39,
        EosTokenId = 39,
    };

    /// <summary>A tiny model with weights large enough (std 0.3) that attention and the logits are far from uniform.</summary>
    public static Gpt2LMHeadModel Tiny(long seed = 1, Gpt2Config? config = null)
        => Gpt2LMHeadModel.Create((config ?? TinyConfig) with { InitializerRange = 0.3 }, new Generator((ulong)seed));

    public static Tensor Ids(long[][] rows)
    {
        var flat = rows.SelectMany(r => r).ToArray();
        return tensor(flat, [rows.Length, rows[0].Length]);
    }
}

/// <summary>A folder under the system temp directory, deleted when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rlalign-tests-{Guid.NewGuid():N}");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

internal static class TestData
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([TestContext.CurrentContext.TestDirectory, "Data", .. parts]);
}

/// <summary>
/// Process settings for every test, as the CLI makes them: huge pages for large CPU tensors and MKL's feature-chosen
/// kernels on AMD CPUs (both before libtorch is loaded), and one intra-op thread, with which small tensors run fastest
/// and steadiest on a small shared CPU.
/// </summary>
[SetUpFixture]
public sealed class TorchSettings
{
    [OneTimeSetUp]
    public void Apply()
    {
        Policies.TorchRuntime.EnableHugePages();
        Policies.TorchRuntime.UseMklFeatureKernelsOnAmd();
        torch.set_num_threads(1);
    }
}
