using System.Buffers.Binary;
using System.Text;
using RlAlign.Core;

namespace RlAlign.Algorithms;

/// <summary>
/// The file container shared by checkpoints and demonstrations: a 24-byte header, then a payload written
/// with a <see cref="BinaryWriter"/>, the whole file written atomically.
/// <code>
/// offset 0   8 bytes  magic (identifies the kind of file)
///        8   int32    format version (little endian)
///       12   int64    payload length in bytes
///       20   uint32   CRC-32 (IEEE) of the payload
///       24   payload
/// </code>
/// </summary>
internal static class ChecksummedFile
{
    public const int HeaderSize = 24;

    public static void Write(string path, ReadOnlySpan<byte> magic, int version, Action<BinaryWriter> writePayload)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true)) writePayload(writer);
        byte[] body = payload.GetBuffer();
        int length = (int)payload.Length;
        var header = new byte[HeaderSize];
        magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(12), length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), Crc32.Ieee.Compute(body.AsSpan(0, length)));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(body, 0, length);
        });
    }

    /// <summary>
    /// Reads and verifies the file and returns a reader over its payload. A missing file is a
    /// <see cref="FileNotFoundException"/> ("<paramref name="name"/> 'path' does not exist"); anything else
    /// unusable is the exception <paramref name="fail"/> makes from the problem (e.g. "is truncated: ...").
    /// </summary>
    public static BinaryReader Open(string path, ReadOnlySpan<byte> magic, int version, string name, string kindDescription, Func<string, Exception> fail)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{name} '{path}' does not exist.", path);
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < magic.Length || !file.AsSpan(0, magic.Length).SequenceEqual(magic))
            throw fail($"is not {kindDescription} (its header is missing or wrong).");
        if (file.Length < HeaderSize)
            throw fail($"is truncated: {file.Length} bytes, shorter than the {HeaderSize}-byte header.");
        int savedVersion = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        if (savedVersion != version)
            throw fail($"has format version {savedVersion}; this build reads version {version}.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(12));
        long actual = file.Length - HeaderSize;
        if (length != actual)
            throw fail(length > actual
                ? $"is truncated: the header announces {length} payload bytes, but only {actual} are present."
                : $"is corrupt: the header announces {length} payload bytes, but {actual} are present.");
        if (Crc32.Ieee.Compute(file.AsSpan(HeaderSize)) != BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)))
            throw fail("is corrupt: its checksum does not match its content.");
        return new BinaryReader(new MemoryStream(file, HeaderSize, (int)length, writable: false), Encoding.UTF8);
    }
}
