using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// Writes a module's parameters by name and shape, and reads them back into the existing parameter
/// tensors in place (so views into them, such as <see cref="FlatAdam"/>'s, stay valid).
/// </summary>
public static class ModuleState
{
    public static void Write(BinaryWriter writer, nn.Module module)
    {
        var parameters = module.named_parameters().ToArray();
        writer.Write(parameters.Length);
        foreach ((string name, var parameter) in parameters)
        {
            if (parameter.dtype != ScalarType.Float32) throw new NotSupportedException($"Parameter '{name}' is {parameter.dtype}; only float32 parameters are saved.");
            writer.Write(name);
            writer.Write((int)parameter.dim());
            foreach (long size in parameter.shape) writer.Write(size);
            TensorData.Write(writer, parameter);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote; the names and shapes must match the module's exactly.</summary>
    public static void Read(BinaryReader reader, nn.Module module)
    {
        var parameters = module.named_parameters().ToArray();
        int count = reader.ReadInt32();
        if (count != parameters.Length)
            throw new InvalidDataException($"The saved module has {count} parameters; this one has {parameters.Length}.");
        foreach ((string name, var parameter) in parameters)
        {
            string savedName = reader.ReadString();
            int rank = reader.ReadInt32();
            var shape = new long[rank];
            for (int i = 0; i < rank; i++) shape[i] = reader.ReadInt64();
            if (savedName != name || !shape.SequenceEqual(parameter.shape))
                throw new InvalidDataException($"The saved parameter '{savedName}' [{string.Join(", ", shape)}] does not match '{name}' [{string.Join(", ", parameter.shape)}].");
            TensorData.Read(reader, parameter);
        }
    }
}
