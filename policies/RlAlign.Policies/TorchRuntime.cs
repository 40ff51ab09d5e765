using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Set to 0 to keep MKL's own kernel choice on AMD CPUs (for example, to compare with a run made without it).</summary>
    public const string MklShimVariable = "RLALIGN_MKL_AMD_SHIM";

    private const string MklShimFile = "librlalign_mkl_amd_shim.so";

    /// <summary>What <see cref="UseMklFeatureKernelsOnAmd"/> found; <see cref="MklKernels.Unchanged"/> until it is called.</summary>
    public static MklKernels MklKernelChoice { get; private set; } = MklKernels.Unchanged;

    /// <summary>
    /// On an AMD CPU, makes libtorch's MKL choose its float32 matrix-product kernels by the CPU's features, as it does on
    /// Intel CPUs, instead of its generic path: every float32 <c>matmul</c>, <c>linear</c> and their gradients then run
    /// on MKL's AVX2 or AVX-512 kernels. On the development machine's AMD EPYC that made GPT-2's products 1.7–2.4× and a
    /// <c>small</c> DPO step 1.7× faster. Results stay float32, with the rounding of MKL's kernels for those features.
    /// It loads <c>librlalign_mkl_amd_shim.so</c> (built from native/rlalign_mkl_amd_shim.c, found beside this assembly) into the
    /// global symbol scope, so it must run before libtorch is loaded, that is before the process's first TorchSharp call.
    /// Does nothing on other CPUs and systems, or where <c>RLALIGN_MKL_AMD_SHIM=0</c>.
    /// </summary>
    public static MklKernels UseMklFeatureKernelsOnAmd()
    {
        if (MklKernelChoice == MklKernels.ByCpuFeatures) return MklKernelChoice;
        MklKernelChoice = ChooseMklKernels();
        return MklKernelChoice;
    }

    private static MklKernels ChooseMklKernels()
    {
        if (!OperatingSystem.IsLinux() || !X86Base.IsSupported || CpuVendor() != "AuthenticAMD") return MklKernels.Unchanged;
        if (Environment.GetEnvironmentVariable(MklShimVariable) == "0") return MklKernels.DisabledByVariable;
        nint loadedTorch = DlOpen("libtorch_cpu.so", RtldNow | RtldNoLoad);
        if (loadedTorch != 0)
        {
            DlClose(loadedTorch);
            return MklKernels.TorchAlreadyLoaded;
        }
        // Beside the assembly in this repository's builds; under runtimes/ where a program references the NuGet package.
        string? shim = new[] { Path.GetDirectoryName(typeof(TorchRuntime).Assembly.Location), AppContext.BaseDirectory }
            .Where(directory => !string.IsNullOrEmpty(directory))
            .SelectMany(directory => new[] { Path.Combine(directory!, MklShimFile), Path.Combine(directory!, "runtimes", "linux-x64", "native", MklShimFile) })
            .FirstOrDefault(File.Exists);
        if (shim is null) return MklKernels.ShimUnavailable;
        // RTLD_GLOBAL puts the shim's mkl_serv_intel_cpu_true ahead of libtorch's own in every later symbol lookup.
        return DlOpen(shim, RtldNow | RtldGlobal) != 0 ? MklKernels.ByCpuFeatures : MklKernels.ShimUnavailable;
    }

    /// <summary>The CPUID vendor string, e.g. "GenuineIntel" or "AuthenticAMD".</summary>
    private static string CpuVendor()
    {
        (int _, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        Span<byte> vendor = stackalloc byte[12];
        BitConverter.TryWriteBytes(vendor[..4], ebx);
        BitConverter.TryWriteBytes(vendor[4..8], edx);
        BitConverter.TryWriteBytes(vendor[8..], ecx);
        return System.Text.Encoding.ASCII.GetString(vendor);
    }

    /// <summary>One line for run reports: which kernels libtorch's MKL runs float32 matrix products on.</summary>
    public static string DescribeMklKernels() => MklKernelChoice switch
    {
        MklKernels.ByCpuFeatures => "MKL kernels chosen by CPU features (AMD shim loaded)",
        MklKernels.ShimUnavailable => $"MKL's generic kernels on this AMD CPU ({MklShimFile} missing or not loadable: install gcc and rebuild)",
        MklKernels.DisabledByVariable => $"MKL's generic kernels on this AMD CPU ({MklShimVariable}=0)",
        MklKernels.TorchAlreadyLoaded => "MKL's generic kernels on this AMD CPU (libtorch was loaded before the shim)",
        _ => "MKL's own kernel choice",
    };

    private const int RtldNow = 0x2, RtldNoLoad = 0x4, RtldGlobal = 0x100;

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string file, int mode);

    [LibraryImport("libc", EntryPoint = "dlclose")]
    private static partial int DlClose(nint handle);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

/// <summary>Which kernels libtorch's MKL uses for float32 matrix products, as set up by <see cref="TorchRuntime.UseMklFeatureKernelsOnAmd"/>.</summary>
public enum MklKernels
{
    /// <summary>MKL's own choice: not an AMD x86-64 CPU on Linux, or the setting was never asked for.</summary>
    Unchanged,
    /// <summary>AMD CPU, shim loaded: MKL picks its kernels by CPU features.</summary>
    ByCpuFeatures,
    /// <summary>AMD CPU, but the shim is not beside the assembly (gcc was missing at build time) or did not load.</summary>
    ShimUnavailable,
    /// <summary>AMD CPU, turned off with RLALIGN_MKL_AMD_SHIM=0.</summary>
    DisabledByVariable,
    /// <summary>AMD CPU, but libtorch was already loaded, so MKL may already have chosen.</summary>
    TorchAlreadyLoaded,
}
