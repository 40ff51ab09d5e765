using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>Raw float32 tensor contents in checkpoints: little-endian floats, no header (the caller records shapes).</summary>
internal static class TensorData
{
    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        using Tensor detached = tensor.detach();
        using Tensor host = detached.cpu();
        using Tensor contiguous = host.contiguous();
        writer.Write(contiguous.bytes);
    }

    /// <summary>Reads <c>destination.numel()</c> floats and copies them into <paramref name="destination"/> in place.</summary>
    public static void Read(BinaryReader reader, Tensor destination)
    {
        int length = checked((int)destination.numel() * sizeof(float));
        byte[] bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException("The saved tensor data is cut short.");
        using Tensor source = tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), destination.shape);
        using (no_grad()) destination.copy_(source);
    }
}
