using System.Runtime.InteropServices;

namespace RlAlign.Policies;

/// <summary>Process-wide libtorch settings that take effect only if made before the process's first tensor exists.</summary>
public static partial class TorchRuntime
{
    private const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>
    /// Sets libtorch's <c>THP_MEM_ALLOC_ENABLE</c> switch, which backs CPU tensors of 2 MB and more with transparent huge
    /// pages (<c>madvise(MADV_HUGEPAGE)</c>), unless the variable is already set. Where the kernel's THP mode is
    /// <c>madvise</c> (Debian's default), every fresh large tensor otherwise costs one page fault per 4 kB; for a language
    /// model's [batch, sequence, vocabulary] logits that made a GPT-2 DPO step several times slower on the development VM.
    /// libtorch reads the variable once, at its first CPU allocation, so call this at start-up. Returns whether it is set.
    /// </summary>
    public static bool EnableHugePages()
    {
        if (!OperatingSystem.IsLinux()) return false;
        string? current = Environment.GetEnvironmentVariable(HugePagesVariable);
        if (current is not null) return current == "1";
        // .NET keeps its own copy of the environment on Unix; libtorch reads the native one.
        if (SetEnv(HugePagesVariable, "1", overwrite: 0) != 0) return false;
        Environment.SetEnvironmentVariable(HugePagesVariable, "1");
        return true;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
