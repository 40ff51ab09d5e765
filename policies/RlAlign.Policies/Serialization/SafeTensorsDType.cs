using static TorchSharp.torch;

namespace RlAlign.Policies.Serialization;

/// <summary>The safetensors dtype names (the <c>dtype</c> field of a header entry) that map onto libtorch scalar types.</summary>
public static class SafeTensorsDType
{
    private static readonly (string Name, ScalarType Type, int Size)[] Known =
    [
        ("F64", ScalarType.Float64, 8),
        ("F32", ScalarType.Float32, 4),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8),
        ("I32", ScalarType.Int32, 4),
        ("I16", ScalarType.Int16, 2),
        ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1),
        ("BOOL", ScalarType.Bool, 1),
    ];

    /// <summary>The dtype names this reader and writer accept.</summary>
    public static IEnumerable<string> Names => Known.Select(k => k.Name);

    public static bool TryParse(string name, out ScalarType type, out int elementSize)
    {
        foreach (var known in Known)
        {
            if (known.Name == name)
            {
                (type, elementSize) = (known.Type, known.Size);
                return true;
            }
        }
        (type, elementSize) = (default, 0);
        return false;
    }

    public static bool IsFloatingPoint(string name) => name is "F64" or "F32" or "F16" or "BF16";

    /// <summary>The safetensors name of <paramref name="type"/>, e.g. <c>F32</c> for float32.</summary>
    public static string NameOf(ScalarType type)
    {
        foreach (var known in Known)
            if (known.Type == type) return known.Name;
        throw new NotSupportedException($"safetensors has no dtype for {type} (supported: {string.Join(", ", Names)}).");
    }
}
