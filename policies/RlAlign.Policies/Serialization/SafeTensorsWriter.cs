using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using RlAlign.Core;
using static TorchSharp.torch;

namespace RlAlign.Policies.Serialization;

/// <summary>
/// Writes tensors in the safetensors format that <see cref="SafeTensorsFile"/> reads. Tensors keep their dtype
/// (see <see cref="SafeTensorsDType"/>); the header is padded with spaces to a multiple of 8 bytes and the data is
/// ordered by element size, largest first, so every tensor starts at an offset aligned to its element size (the
/// order the Python <c>safetensors</c> package uses).
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        AtomicFile.Write(path, stream => Write(stream, list, metadata));
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="stream"/> (tensors on any device; they are copied to the CPU one at a time).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing safetensors needs a little-endian machine.");
        var ordered = tensors
            .Select((pair, index) => (pair.Key, pair.Value, Index: index))
            .OrderByDescending(t => t.Value.ElementSize).ThenBy(t => t.Index)
            .ToList();
        var seen = new HashSet<string>();
        foreach (var (name, _, _) in ordered)
        {
            if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved in safetensors and cannot name a tensor.", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"Tensor name '{name}' appears twice.", nameof(tensors));
        }

        byte[] header = Header(ordered.Select(t => (t.Key, t.Value)).ToList(), metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor, _) in ordered)
        {
            using var scope = NewDisposeScope();
            Tensor host = tensor.detach().cpu().contiguous();
            TensorMemory.ForEachChunk(host, chunk => stream.Write(chunk));
        }
    }

    private static byte[] Header(List<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps names such as "a+b" readable; the output is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                long bytes = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDType.NameOf(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (long dimension in tensor.shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
