using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace RlAlign.Policies.Serialization;

/// <summary>A file that is not a usable safetensors file; the message names the file and the problem.</summary>
public sealed class SafeTensorsFormatException(string path, string problem)
    : IOException($"'{path}' is not a valid safetensors file: {problem}")
{
    public string Path { get; } = path;
}

/// <summary>One header entry: where a tensor's bytes lie in the data section and how to read them.</summary>
/// <param name="Begin">Offset of the first byte, relative to the start of the data section.</param>
/// <param name="End">Offset one past the last byte, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    public ScalarType ScalarType => SafeTensorsDType.TryParse(DType, out ScalarType type, out _) ? type : throw new NotSupportedException(DType);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// Reads a safetensors file (<see href="https://github.com/huggingface/safetensors"/>): an 8-byte little-endian
/// header length N, N bytes of JSON mapping tensor names to <c>{dtype, shape, data_offsets}</c> (plus an optional
/// <c>__metadata__</c> object of strings), then the raw little-endian tensor data. Opening reads and checks the
/// header only; each <see cref="Read"/> reads one tensor's bytes straight from the file into a new tensor.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    // The reference implementation refuses headers above 100 MB; a larger "length" means the file is something else.
    private const long MaxHeaderLength = 100_000_000;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(string path, SafeFileHandle handle, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        FilePath = path;
        _handle = handle;
        _dataStart = dataStart;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name);
        Metadata = metadata;
    }

    public string FilePath { get; }

    /// <summary>The header's entries in the order of their data.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings (empty when the header has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header; throws <see cref="SafeTensorsFormatException"/> when it is not a safetensors file.</summary>
    public static SafeTensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Reading safetensors needs a little-endian machine.");
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8) throw new SafeTensorsFormatException(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length.");
            Span<byte> lengthBytes = stackalloc byte[8];
            ReadExactly(handle, lengthBytes, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderLength || (long)headerLength > fileLength - 8)
                throw new SafeTensorsFormatException(path, $"the header length {headerLength} does not fit a {fileLength}-byte file.");
            var header = new byte[headerLength];
            ReadExactly(handle, header, 8);
            long dataStart = 8 + (long)headerLength;
            (List<SafeTensorInfo> tensors, Dictionary<string, string> metadata) = ParseHeader(path, header, fileLength - dataStart);
            return new SafeTensorsFile(path, handle, dataStart, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGetInfo(string name, out SafeTensorInfo info) => _byName.TryGetValue(name, out info!);

    public SafeTensorInfo GetInfo(string name)
        => _byName.TryGetValue(name, out SafeTensorInfo? info) ? info : throw new KeyNotFoundException($"'{FilePath}' has no tensor named '{name}'.");

    /// <summary>Reads the tensor <paramref name="name"/> into a new CPU tensor of its stored dtype and shape.</summary>
    public Tensor Read(string name)
    {
        SafeTensorInfo info = GetInfo(name);
        Tensor tensor = empty(info.Shape, info.ScalarType);
        long offset = _dataStart + info.Begin;
        try
        {
            TensorMemory.ForEachChunk(tensor, chunk =>
            {
                ReadExactly(_handle, chunk, offset);
                offset += chunk.Length;
            });
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
        return tensor;
    }

    public void Dispose() => _handle.Dispose();

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0) throw new EndOfStreamException($"Unexpected end of file at byte {offset}.");
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static (List<SafeTensorInfo>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(path, $"the header is not JSON ({e.Message}).");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(path, $"the header is a JSON {document.RootElement.ValueKind}, not an object.");
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") ReadMetadata(path, property.Value, metadata);
                else tensors.Add(ParseEntry(path, property.Name, property.Value, dataLength));
            }
            tensors.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < tensors.Count; i++)
            {
                if (tensors[i].Begin < tensors[i - 1].End)
                    throw new SafeTensorsFormatException(path, $"the data of '{tensors[i - 1].Name}' and '{tensors[i].Name}' overlap.");
            }
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, "__metadata__ is not an object.");
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(path, $"__metadata__ value '{entry.Name}' is a {entry.Value.ValueKind}, not a string.");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ParseEntry(string path, string name, JsonElement entry, long dataLength)
    {
        string Problem(string what) => $"tensor '{name}': {what}";
        if (entry.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, Problem("the entry is not an object."));
        if (!entry.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException(path, Problem("missing string field 'dtype'."));
        string dtype = dtypeElement.GetString()!;
        if (!SafeTensorsDType.TryParse(dtype, out _, out int elementSize))
            throw new SafeTensorsFormatException(path, Problem($"dtype '{dtype}' is not supported (supported: {string.Join(", ", SafeTensorsDType.Names)})."));
        long[] shape = ReadIntegers(entry, "shape", path, name);
        if (shape.Any(d => d < 0)) throw new SafeTensorsFormatException(path, Problem($"negative dimension in shape [{string.Join(", ", shape)}]."));
        long[] offsets = ReadIntegers(entry, "data_offsets", path, name);
        if (offsets.Length != 2) throw new SafeTensorsFormatException(path, Problem($"data_offsets has {offsets.Length} numbers, not 2."));
        (long begin, long end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin || end > dataLength)
            throw new SafeTensorsFormatException(path, Problem($"data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section."));
        long expectedBytes = shape.Aggregate(1L, (product, d) => checked(product * d)) * elementSize;
        if (end - begin != expectedBytes)
            throw new SafeTensorsFormatException(path, Problem($"{dtype} shape [{string.Join(", ", shape)}] needs {expectedBytes} bytes but data_offsets span {end - begin}."));
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string field, string path, string name)
    {
        if (!entry.TryGetProperty(field, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException(path, $"tensor '{name}': missing array field '{field}'.");
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i++]))
                throw new SafeTensorsFormatException(path, $"tensor '{name}': '{field}' holds {item}, not an integer.");
        }
        return values;
    }
}
