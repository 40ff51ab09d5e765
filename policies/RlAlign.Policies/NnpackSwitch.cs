using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RlAlign.Policies;

/// <summary>
/// Turns libtorch's NNPACK convolution path off (PyTorch's <c>torch.backends.nnpack.set_flags(False)</c>,
/// which TorchSharp does not expose). On CPUs NNPACK does not support, libtorch otherwise retries its
/// initialisation and logs "Could not initialize NNPACK! Reason: Unsupported hardware." on every
/// convolution of a batch of 16 or more: thousands of lines per second, and time lost. The native
/// convolution it falls back to gives the same results.
/// </summary>
internal static partial class NnpackSwitch
{
    private static int _disabled;

    public static void Disable()
    {
        if (Interlocked.Exchange(ref _disabled, 1) == 1) return;
        InitializeDeviceType(TorchSharp.DeviceType.CPU); // loads libtorch_cpu, whose global context this reaches
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libtorch build without these symbols: the convolutions still work, only noisily.
        }
    }

    // at::globalContext() and at::Context::setUserEnabledNNPACK(bool), by their Itanium C++ ABI names.
    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static partial void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);
}
