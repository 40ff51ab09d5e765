using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Serialization;

/// <summary>The raw bytes of a contiguous CPU tensor, handed out in pieces small enough for a <see cref="Span{T}"/>.</summary>
internal static class TensorMemory
{
    private const long ChunkBytes = 1L << 30;

    /// <summary>Calls <paramref name="action"/> on consecutive pieces of the tensor's memory, in order, covering all of it.</summary>
    public static void ForEachChunk(Tensor tensor, SpanAction action)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException($"Only a contiguous CPU tensor's memory can be accessed (got one on {tensor.device}).", nameof(tensor));
        if (tensor.numel() == 0) return;
        long elementSize = tensor.ElementSize;
        long elementsPerChunk = Math.Max(1, ChunkBytes / elementSize);
        using Tensor flat = tensor.view(-1);
        for (long start = 0; start < flat.numel(); start += elementsPerChunk)
        {
            using Tensor chunk = flat.narrow(0, start, Math.Min(elementsPerChunk, flat.numel() - start));
            action(chunk.bytes);
        }
    }

    public delegate void SpanAction(Span<byte> bytes);
}
