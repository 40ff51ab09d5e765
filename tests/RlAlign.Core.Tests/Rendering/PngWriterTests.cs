using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NUnit.Framework;
using RlAlign.Core.Rendering;

namespace RlAlign.Core.Tests.Rendering;

public class PngWriterTests
{
    [Test]
    public void RoundTripsThePixelsThroughAnIndependentDecoder()
    {
        var random = new System.Random(3);
        byte[] rgb = new byte[5 * 3 * 3];
        random.NextBytes(rgb);
        var frame = new RenderFrame(5, 3, rgb);

        (int width, int height, byte[] pixels, List<string> chunks) = Decode(Encode(frame));

        Assert.That((width, height), Is.EqualTo((5, 3)));
        Assert.That(pixels, Is.EqualTo(rgb));
        Assert.That(chunks, Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
    }

    [Test]
    public void EndsWithTheStandardIendChunk()
    {
        byte[] png = Encode(new RenderFrame(1, 1, [1, 2, 3]));

        // Length 0, "IEND", CRC-32 of "IEND": the same 12 bytes closes every PNG file.
        Assert.That(png[^12..], Is.EqualTo(new byte[] { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 }));
    }

    [Test]
    public void RejectsAFrameWhoseBufferDoesNotMatchItsSize()
    {
        Assert.That(() => Encode(new RenderFrame(4, 4, new byte[10])),
            Throws.ArgumentException.With.Message.Contains("4×4").And.Message.Contains("48 bytes"));
    }

    [Test]
    public void SaveWritesTheFileAtomically()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"rlalign-png-{Guid.NewGuid():N}");
        try
        {
            string path = Path.Combine(folder, "frame.png");
            PngWriter.Save(path, new RenderFrame(2, 2, new byte[12]));

            Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }), "no temporary file is left beside it");
            Assert.That(Decode(File.ReadAllBytes(path)).Width, Is.EqualTo(2));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Encode(RenderFrame frame)
    {
        using var stream = new MemoryStream();
        PngWriter.Write(stream, frame);
        return stream.ToArray();
    }

    // A minimal PNG reader for 8-bit RGB without interlacing: checks the signature and every chunk's CRC.
    private static (int Width, int Height, byte[] Pixels, List<string> Chunks) Decode(byte[] png)
    {
        Assert.That(png[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        int width = 0, height = 0;
        var chunks = new List<string>();
        var data = new MemoryStream();
        for (int offset = 8; offset < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            ReadOnlySpan<byte> body = png.AsSpan(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.That(crc, Is.EqualTo(Crc32.Ieee.Compute(png.AsSpan(offset + 4, 4 + length))), $"CRC of {type}");
            chunks.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.That(body[8..].ToArray(), Is.EqualTo(new byte[] { 8, 2, 0, 0, 0 }), "8-bit RGB, deflate, no interlace");
            }
            if (type == "IDAT") data.Write(body);
            offset += 12 + length;
        }

        data.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(data, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        byte[] scanlines = inflated.ToArray();
        int stride = width * 3;
        Assert.That(scanlines, Has.Length.EqualTo(height * (stride + 1)));
        byte[] pixels = new byte[height * stride];
        for (int row = 0; row < height; row++)
        {
            Assert.That(scanlines[row * (stride + 1)], Is.Zero, "filter type None");
            Array.Copy(scanlines, row * (stride + 1) + 1, pixels, row * stride, stride);
        }
        return (width, height, pixels, chunks);
    }
}
