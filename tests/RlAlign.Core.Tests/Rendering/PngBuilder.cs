using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RlAlign.Core.Tests.Rendering;

/// <summary>Assembles PNG files chunk by chunk, so tests can make the images and the damage they need.</summary>
internal static class PngBuilder
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Png(params byte[][] chunks) => [.. Signature, .. chunks.SelectMany(c => c)];

    /// <summary>A chunk with its length and CRC; <paramref name="crcError"/> is XORed into the CRC to corrupt it.</summary>
    public static byte[] Chunk(string type, byte[] data, uint crcError = 0)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        var chunk = new byte[8 + data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Ieee.Compute(typeAndData) ^ crcError);
        return chunk;
    }

    public static byte[] Header(int width, int height, byte bitDepth, byte colourType, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        data[8] = bitDepth;
        data[9] = colourType;
        data[12] = interlace;
        return Chunk("IHDR", data);
    }

    public static byte[] Palette(params (byte R, byte G, byte B)[] colours)
        => Chunk("PLTE", [.. colours.SelectMany(c => new[] { c.R, c.G, c.B })]);

    /// <summary>The zlib stream of <paramref name="scanlines"/> (each row: its filter-type byte, then its bytes).</summary>
    public static byte[] Compress(byte[] scanlines)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal)) zlib.Write(scanlines);
        return compressed.ToArray();
    }

    /// <summary>The compressed scanlines split over <paramref name="parts"/> consecutive IDAT chunks.</summary>
    public static byte[] ImageData(byte[] scanlines, int parts = 1)
    {
        byte[] zlib = Compress(scanlines);
        int size = (zlib.Length + parts - 1) / parts;
        return [.. zlib.Chunk(size).SelectMany(part => Chunk("IDAT", part))];
    }

    public static byte[] End() => Chunk("IEND", []);
}
