using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// Copies between host spans and tensors without TorchSharp ops where the tensor is on the CPU:
/// a contiguous CPU tensor's memory is read and written in place.
/// </summary>
/// <remarks>
/// Host data always goes into tensors that libtorch allocated (64-byte aligned), never straight from
/// <c>torch.tensor(array)</c>: that tensor lives in pinned managed memory at whatever alignment the GC gave
/// it, and libtorch's vectorised kernels round differently at different alignments, which would make
/// results depend on the managed heap's layout and break bitwise reproducibility (e.g. of a resumed run).
/// </remarks>
internal static class HostCopy
{
    /// <summary>The memory of a contiguous float32 CPU tensor (or view), as a span.</summary>
    public static Span<float> AsSpan(Tensor tensor)
    {
        if (!IsHostFloat(tensor))
            throw new ArgumentException($"Only a contiguous float32 CPU tensor can be viewed as a span (got {tensor.dtype} on {tensor.device}).", nameof(tensor));
        return MemoryMarshal.Cast<byte, float>(tensor.bytes);
    }

    /// <summary>Copies <paramref name="source"/> (any device) to <paramref name="destination"/>: one device-to-host copy at most.</summary>
    public static void ToHost(Tensor source, Span<float> destination)
    {
        Tensor host = source.device_type == DeviceType.CPU ? source : source.cpu();
        if (!host.is_contiguous()) host = host.contiguous();
        if (host.dtype != ScalarType.Float32) host = host.to(ScalarType.Float32);
        AsSpan(host).CopyTo(destination);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same shape): a memory copy when both are contiguous float32 CPU tensors, else <c>copy_</c>.</summary>
    public static void Copy(Tensor source, Tensor destination)
    {
        if (IsHostFloat(source) && IsHostFloat(destination)) AsSpan(source).CopyTo(AsSpan(destination));
        else destination.copy_(source);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/>: straight into its memory on the CPU,
    /// otherwise through a temporary host tensor and one copy to the device.
    /// </summary>
    public static void FromHost(ReadOnlySpan<float> source, Tensor destination)
    {
        if (IsHostFloat(destination))
        {
            source.CopyTo(AsSpan(destination));
            return;
        }
        using Tensor host = tensor(source.ToArray(), destination.shape);
        destination.copy_(host);
    }

    private static bool IsHostFloat(Tensor tensor)
        => tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.is_contiguous();
}
