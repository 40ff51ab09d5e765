using System.Runtime.InteropServices;
using RlAlign.Policies;
using TorchSharp;

namespace RlAlign.Alignment.Tests;

public sealed class TorchRuntimeTests
{
    private delegate int MklCpuDetect();

    [Test]
    public void OnAnAmdCpuMklChoosesItsKernelsByCpuFeatures()
    {
        bool amd = File.Exists("/proc/cpuinfo") && File.ReadLines("/proc/cpuinfo").Any(line => line.StartsWith("vendor_id", StringComparison.Ordinal) && line.EndsWith("AuthenticAMD", StringComparison.Ordinal));
        if (!amd || !OperatingSystem.IsLinux()) Assert.Ignore("MKL's vendor check only matters on AMD CPUs under Linux.");
        if (TorchRuntime.MklKernelChoice == MklKernels.ShimUnavailable) Assert.Ignore("librlalign_mkl_amd_shim.so was not built (gcc missing at build time).");

        // The SetUpFixture made the call before libtorch was loaded, as the CLI does; RLALIGN_MKL_AMD_SHIM=0 turns it off.
        bool disabled = TorchRuntime.MklKernelChoice == MklKernels.DisabledByVariable;
        if (!disabled) Assert.That(TorchRuntime.MklKernelChoice, Is.EqualTo(MklKernels.ByCpuFeatures), TorchRuntime.DescribeMklKernels());
        using (var product = torch.ones(8, 8).matmul(torch.ones(8, 8))) Assert.That(product[0, 0].item<float>(), Is.EqualTo(8f));

        // MKL's own verdict: the code branch it detected, 0 being its generic one, which it takes on AMD without the shim.
        nint torchCpu = NativeLibrary.Load("libtorch_cpu.so", typeof(torch).Assembly, null);
        var detect = Marshal.GetDelegateForFunctionPointer<MklCpuDetect>(NativeLibrary.GetExport(torchCpu, "mkl_serv_cpu_detect"));
        Assert.That(detect(), disabled ? Is.EqualTo(0) : Is.GreaterThan(0));
    }
}
