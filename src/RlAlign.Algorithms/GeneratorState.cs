using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// A torch generator's state in a checkpoint: device type, length, bytes. A state only fits a generator of the
/// same kind (CPU and CUDA states differ), so one saved on another device is skipped: the run continues, not bit for bit.
/// </summary>
public static class GeneratorState
{
    public static void Write(BinaryWriter writer, Generator generator)
    {
        using Tensor state = generator.get_state();
        using Tensor host = state.cpu();
        writer.Write((int)generator.device.type);
        ReadOnlySpan<byte> bytes = host.bytes;
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public static void Read(BinaryReader reader, Generator generator)
    {
        var savedDevice = (DeviceType)reader.ReadInt32();
        int length = reader.ReadInt32();
        byte[] bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException("The generator state is cut short.");
        if (savedDevice != generator.device.type) return;
        using Tensor state = tensor(bytes, dtype: ScalarType.Byte);
        generator.set_state(state);
    }
}
