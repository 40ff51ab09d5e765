using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RlAlign.Core.Rendering;

/// <summary>Writes <see cref="RenderFrame"/>s as PNG files (8-bit RGB, no interlacing, zlib-compressed scanlines).</summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="frame"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, RenderFrame frame) => AtomicFile.Write(path, stream => Write(stream, frame));

    public static void Write(Stream output, RenderFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width <= 0 || frame.Height <= 0 || frame.Rgb.Length != frame.Width * frame.Height * 3)
            throw new ArgumentException($"A {frame.Width}×{frame.Height} RGB frame needs {frame.Width * frame.Height * 3} bytes, got {frame.Rgb.Length}.", nameof(frame));

        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, frame.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], frame.Height);
        header[8] = 8;  // bits per channel
        header[9] = 2;  // colour type: truecolour RGB
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (every scanline uses filter 0, none)
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int stride = frame.Width * 3;
            for (int row = 0; row < frame.Height; row++)
            {
                zlib.WriteByte(0);
                zlib.Write(frame.Rgb, row * stride, stride);
            }
        }
        WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND", []);
    }

    // A chunk is its length, its type, its data and the CRC-32 of type + data.
    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        byte[] typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Ieee.Compute(typeAndData));
        output.Write(word);
    }
}
