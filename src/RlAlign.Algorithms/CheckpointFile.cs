using System.Buffers.Binary;
using System.Text;
using RlAlign.Core;

namespace RlAlign.Algorithms;

/// <summary>A checkpoint file that cannot be used: not a checkpoint, truncated, corrupt, or made by another algorithm or env.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"Checkpoint '{path}' {problem}", inner)
{
    public string Path { get; } = path;
}

/// <summary>
/// The container every trainer checkpoint uses: a header, then the trainer's payload, written atomically
/// (a reader sees the old file or the complete new one, never a torn one).
/// <code>
/// offset 0   8 bytes  magic "RLACKPT\n"
///        8   int32    format version (little endian)
///       12   int64    payload length in bytes
///       20   uint32   CRC-32 (IEEE) of the payload
///       24   payload  written by the trainer with a BinaryWriter; it starts with the algorithm's name
/// </code>
/// </summary>
public static class CheckpointFile
{
    public const int FormatVersion = 1;
    private const int HeaderSize = 24;
    private static ReadOnlySpan<byte> Magic => "RLACKPT\n"u8;

    /// <summary>Writes <paramref name="algorithm"/> and the payload from <paramref name="writePayload"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string algorithm, Action<BinaryWriter> writePayload)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(algorithm);
            writePayload(writer);
        }
        byte[] body = payload.GetBuffer();
        int length = (int)payload.Length;
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(12), length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), Crc32.Ieee.Compute(body.AsSpan(0, length)));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(body, 0, length);
        });
    }

    /// <summary>
    /// Reads and verifies the file at <paramref name="path"/> and returns a reader positioned after the
    /// algorithm name, which must be <paramref name="algorithm"/>. Throws <see cref="FileNotFoundException"/>
    /// for a missing file and <see cref="CheckpointException"/> for anything unusable.
    /// </summary>
    public static BinaryReader Open(string path, string algorithm)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CheckpointException(path, "is not an RlAlign checkpoint (its header is missing or wrong).");
        if (file.Length < HeaderSize)
            throw new CheckpointException(path, $"is truncated: {file.Length} bytes, shorter than the {HeaderSize}-byte header.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        if (version != FormatVersion)
            throw new CheckpointException(path, $"has format version {version}; this build reads version {FormatVersion}.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(12));
        long actual = file.Length - HeaderSize;
        if (length != actual)
            throw new CheckpointException(path, length > actual
                ? $"is truncated: the header announces {length} payload bytes, but only {actual} are present."
                : $"is corrupt: the header announces {length} payload bytes, but {actual} are present.");
        ReadOnlySpan<byte> payload = file.AsSpan(HeaderSize);
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20));
        if (Crc32.Ieee.Compute(payload) != expectedCrc)
            throw new CheckpointException(path, "is corrupt: its checksum does not match its content.");

        var reader = new BinaryReader(new MemoryStream(file, HeaderSize, (int)length, writable: false), Encoding.UTF8);
        string saved = reader.ReadString();
        if (saved != algorithm)
        {
            reader.Dispose();
            throw new CheckpointException(path, $"was written by the '{saved}' trainer, not '{algorithm}'.");
        }
        return reader;
    }
}
