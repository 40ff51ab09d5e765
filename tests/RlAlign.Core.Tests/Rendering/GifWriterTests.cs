using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;
using RlAlign.Core.Rendering;
using RlAlign.Envs.Classic;

namespace RlAlign.Core.Tests.Rendering;

public class GifWriterTests
{
    [Test]
    public void WritesTheHeaderScreenDescriptorAndTrailer()
    {
        byte[] gif = Encode([Solid(7, 5, 10, 20, 30)]);

        Assert.That(Encoding.ASCII.GetString(gif, 0, 6), Is.EqualTo("GIF89a"));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(6)), Is.EqualTo(7));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(8)), Is.EqualTo(5));
        Assert.That(gif[10] & 0x80, Is.Zero, "no global color table: every frame has a local one");
        Assert.That(gif[^1], Is.EqualTo(0x3B));
    }

    [Test]
    public void WritesTheNetscapeLoopExtensionOnlyWhenLooping()
    {
        byte[] looping = Encode([Solid(2, 2, 0, 0, 0)], loop: true);
        byte[] once = Encode([Solid(2, 2, 0, 0, 0)], loop: false);

        byte[] applicationExtension = [0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1];
        Assert.That(looping.AsSpan(13, applicationExtension.Length).ToArray(), Is.EqualTo(applicationExtension));
        Assert.That(GifDecoder.Decode(looping).LoopCount, Is.Zero, "0 loops means forever");
        Assert.That(GifDecoder.Decode(once).LoopCount, Is.Null);
    }

    [TestCase(40, 4)]
    [TestCase(70, 7)]
    [TestCase(125, 13)]
    [TestCase(0, 0)]
    public void StoresTheDelayInHundredthsOfASecond(int milliseconds, int centiseconds)
    {
        DecodedGif gif = GifDecoder.Decode(Encode([Solid(2, 2, 1, 2, 3), Solid(2, 2, 4, 5, 6)], milliseconds));

        Assert.That(gif.Frames.Select(f => f.DelayCentiseconds), Is.EqualTo(new[] { centiseconds, centiseconds }));
    }

    [Test]
    public void AGradientOf200ColoursRoundTripsExactly()
    {
        RenderFrame frame = Make(200, 3, (x, y) => ((byte)x, (byte)(255 - x), (byte)(x * 7)));

        DecodedFrame decoded = RoundTrip(frame);

        Assert.That(decoded.ColorTableSize, Is.EqualTo(256));
    }

    [Test]
    public void ThreeColourNoiseRoundTripsExactlyThroughTableResets()
    {
        // Noise keeps LZW strings short (about 7 pixels), so the 4096-code table fills every ~25k pixels.
        var random = new System.Random(12345);
        (byte, byte, byte)[] colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)];
        RenderFrame frame = Make(300, 300, (_, _) => colours[random.Next(colours.Length)]);

        DecodedFrame decoded = RoundTrip(frame);

        Assert.That(decoded.ColorTableSize, Is.EqualTo(4));
        Assert.That(decoded.ClearCodes, Is.GreaterThanOrEqualTo(3), "the initial clear code and one per table reset");
    }

    [Test]
    public void ASinglePixelRoundTrips()
    {
        DecodedFrame decoded = RoundTrip(Solid(1, 1, 12, 34, 56));

        Assert.That(decoded.ColorTableSize, Is.EqualTo(2), "the smallest table GIF allows");
    }

    [Test]
    public void ExactlyTwoHundredFiftySixColoursRoundTripExactly()
        => RoundTrip(Make(16, 16, (x, y) => ((byte)(x * 16), (byte)(y * 16), (byte)(x ^ y))));

    [Test]
    public void CartPoleFramesRoundTripExactly()
    {
        using var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, 0);
        var frames = new List<RenderFrame>();
        for (int step = 0; step < 8; step++)
        {
            frames.Add(env.Render()!);
            env.Step([step % 3 == 0 ? 0f : 1f], observation);
        }

        DecodedGif gif = GifDecoder.Decode(Encode(frames));

        Assert.That(gif.Frames, Has.Count.EqualTo(frames.Count));
        for (int i = 0; i < frames.Count; i++)
            Assert.That(gif.Frames[i].Rgb, Is.EqualTo(frames[i].Rgb), $"frame {i}");
    }

    // Median cut maps each colour to the mean of its box, so the error is bounded by the box's size,
    // which shrinks as the colours crowd fewer bins. The bounds leave room above what the encoder
    // gives today (max 8, 4, 38; mean 3.6, 0.7, 11.1); a fixed 6x7x6 cube would give a mean of 12
    // on the gradient.
    [TestCase("gradient", 256, 256, 12, 4.5)]
    [TestCase("257 colours", 257, 1, 8, 1.0)]
    [TestCase("noise", 128, 128, 48, 12.5)]
    public void ManyColoursStayWithinTheQuantisationError(string pattern, int width, int height, int maxError, double meanError)
    {
        var random = new System.Random(7);
        RenderFrame frame = pattern switch
        {
            "gradient" => Make(width, height, (x, y) => ((byte)x, (byte)y, (byte)((x + y) / 2))),
            "257 colours" => Make(width, height, (x, _) => ((byte)x, (byte)(x >> 8), 0)),
            _ => Make(width, height, (_, _) => ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))),
        };

        byte[] gif = Encode([frame]);
        DecodedFrame decoded = GifDecoder.Decode(gif).Frames.Single();

        int[] errors = frame.Rgb.Zip(decoded.Rgb, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.That(errors.Max(), Is.LessThanOrEqualTo(maxError));
        Assert.That(errors.Average(), Is.LessThanOrEqualTo(meanError));
        Assert.That(Encode([frame]), Is.EqualTo(gif), "quantisation is deterministic");
    }

    [Test]
    public void AFrameOfAnotherSizeThrowsNamingBothSizes()
    {
        using var writer = new GifWriter(new MemoryStream(), 4, 4);

        var error = Assert.Throws<ArgumentException>(() => writer.AddFrame(Solid(3, 2, 0, 0, 0)));

        Assert.That(error!.Message, Does.Contain("3x2").And.Contain("4x4"));
    }

    [Test]
    public void AFrameWithTheWrongNumberOfBytesThrows()
    {
        using var writer = new GifWriter(new MemoryStream(), 2, 2);

        Assert.Throws<ArgumentException>(() => writer.AddFrame(new RenderFrame(2, 2, new byte[11])));
    }

    [Test]
    public void DisposeWritesTheTrailerOnceAndEndsTheAnimation()
    {
        var stream = new MemoryStream();
        var writer = new GifWriter(stream, 2, 2);
        writer.AddFrame(Solid(2, 2, 9, 9, 9));
        writer.Dispose();
        long length = stream.Length;
        writer.Dispose();

        Assert.That(stream.Length, Is.EqualTo(length));
        Assert.That(stream.CanWrite, Is.True, "the caller owns the stream");
        Assert.Throws<ObjectDisposedException>(() => writer.AddFrame(Solid(2, 2, 9, 9, 9)));
    }

    [Test]
    public void SavingNoFramesThrowsAndWritesNothing()
    {
        string directory = CreateTemporaryDirectory();
        try
        {
            Assert.Throws<ArgumentException>(() => GifWriter.Save(Path.Combine(directory, "empty.gif"), []));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void SaveWritesTheFramesAndLeavesNoTemporaryFiles()
    {
        string directory = CreateTemporaryDirectory();
        try
        {
            string path = Path.Combine(directory, "episode.gif");
            RenderFrame[] frames = [Solid(3, 2, 1, 2, 3), Make(3, 2, (x, y) => ((byte)x, (byte)y, 0))];

            GifWriter.Save(path, frames, frameDelayMilliseconds: 100);

            Assert.That(Directory.GetFileSystemEntries(directory), Is.EqualTo(new[] { path }));
            DecodedGif gif = GifDecoder.Decode(File.ReadAllBytes(path));
            Assert.That(gif.Frames.Select(f => f.Rgb), Is.EqualTo(frames.Select(f => f.Rgb)));
            Assert.That(gif.Frames.Select(f => f.DelayCentiseconds), Is.All.EqualTo(10));
            Assert.That(gif.LoopCount, Is.Zero);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void SaveLeavesNoTemporaryFileWhenAFrameIsRejected()
    {
        string directory = CreateTemporaryDirectory();
        try
        {
            Assert.Throws<ArgumentException>(() => GifWriter.Save(Path.Combine(directory, "bad.gif"), [Solid(2, 2, 0, 0, 0), Solid(3, 3, 0, 0, 0)]));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static DecodedFrame RoundTrip(RenderFrame frame)
    {
        DecodedGif gif = GifDecoder.Decode(Encode([frame]));
        Assert.That(gif.Width, Is.EqualTo(frame.Width));
        Assert.That(gif.Height, Is.EqualTo(frame.Height));
        DecodedFrame decoded = gif.Frames.Single();
        Assert.That(decoded.Rgb, Is.EqualTo(frame.Rgb));
        return decoded;
    }

    private static byte[] Encode(IEnumerable<RenderFrame> frames, int frameDelayMilliseconds = 40, bool loop = true)
    {
        var stream = new MemoryStream();
        RenderFrame[] all = frames.ToArray();
        using (var writer = new GifWriter(stream, all[0].Width, all[0].Height, frameDelayMilliseconds, loop))
        {
            foreach (RenderFrame frame in all) writer.AddFrame(frame);
        }
        return stream.ToArray();
    }

    private static RenderFrame Solid(int width, int height, byte r, byte g, byte b) => Make(width, height, (_, _) => (r, g, b));

    private static RenderFrame Make(int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0, p = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++, p += 3)
                (rgb[p], rgb[p + 1], rgb[p + 2]) = colour(x, y);
        }
        return new RenderFrame(width, height, rgb);
    }

    private static string CreateTemporaryDirectory()
        => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rlalign-gif-{Guid.NewGuid():N}")).FullName;
}

internal sealed record DecodedGif(int Width, int Height, int? LoopCount, List<DecodedFrame> Frames);

internal sealed record DecodedFrame(byte[] Rgb, int DelayCentiseconds, int ColorTableSize, int ClearCodes);

/// <summary>
/// An independent GIF89a reader for the tests: block structure, color tables and LZW as the spec
/// describes them, asserting on anything the writer should never produce.
/// </summary>
internal static class GifDecoder
{
    public static DecodedGif Decode(byte[] data)
    {
        Assert.That(Encoding.ASCII.GetString(data, 0, 6), Is.EqualTo("GIF89a"));
        int width = ReadUInt16(data, 6), height = ReadUInt16(data, 8);
        int position = 13;
        byte[]? globalTable = (data[10] & 0x80) != 0 ? ReadColorTable(data, ref position, data[10]) : null;
        int? loopCount = null;
        int delay = 0;
        var frames = new List<DecodedFrame>();
        while (true)
        {
            switch (data[position++])
            {
                case 0x3B: // trailer
                    Assert.That(position, Is.EqualTo(data.Length), "nothing after the trailer");
                    return new DecodedGif(width, height, loopCount, frames);
                case 0x21: // extension
                    byte label = data[position++];
                    List<byte[]> blocks = ReadSubBlocks(data, ref position);
                    if (label == 0xF9)
                    {
                        Assert.That(blocks[0], Has.Length.EqualTo(4));
                        delay = ReadUInt16(blocks[0], 1);
                    }
                    else if (label == 0xFF && Encoding.ASCII.GetString(blocks[0]) == "NETSCAPE2.0")
                    {
                        Assert.That(blocks[1][0], Is.EqualTo(1));
                        loopCount = ReadUInt16(blocks[1], 1);
                    }
                    break;
                case 0x2C: // image descriptor
                    Assert.That(ReadUInt16(data, position), Is.Zero);
                    Assert.That(ReadUInt16(data, position + 2), Is.Zero);
                    Assert.That(ReadUInt16(data, position + 4), Is.EqualTo(width));
                    Assert.That(ReadUInt16(data, position + 6), Is.EqualTo(height));
                    byte packed = data[position + 8];
                    Assert.That(packed & 0x40, Is.Zero, "not interlaced");
                    position += 9;
                    byte[] table = (packed & 0x80) != 0 ? ReadColorTable(data, ref position, packed) : globalTable!;
                    int minCodeSize = data[position++];
                    byte[] compressed = ReadSubBlocks(data, ref position).SelectMany(b => b).ToArray();
                    byte[] indices = DecodeLzw(compressed, minCodeSize, width * height, out int clearCodes);
                    var rgb = new byte[indices.Length * 3];
                    for (int i = 0; i < indices.Length; i++)
                    {
                        Assert.That(indices[i] * 3, Is.LessThan(table.Length), "index inside the color table");
                        table.AsSpan(indices[i] * 3, 3).CopyTo(rgb.AsSpan(i * 3));
                    }
                    frames.Add(new DecodedFrame(rgb, delay, table.Length / 3, clearCodes));
                    break;
                default:
                    Assert.Fail($"Unexpected block 0x{data[position - 1]:X2} at byte {position - 1}.");
                    break;
            }
        }
    }

    /// <summary>GIF89a Appendix F, read back code by code, including the KwKwK case and deferred clears.</summary>
    private static byte[] DecodeLzw(byte[] data, int minCodeSize, int pixelCount, out int clearCodes)
    {
        const int maxCodes = 4096;
        int clearCode = 1 << minCodeSize, endCode = clearCode + 1;
        var prefix = new int[maxCodes];
        var suffix = new byte[maxCodes];
        var first = new byte[maxCodes];
        var length = new int[maxCodes];
        for (int i = 0; i < clearCode; i++) (suffix[i], first[i], length[i]) = ((byte)i, (byte)i, 1);

        var pixels = new byte[pixelCount];
        int count = 0, bit = 0, codeBits = minCodeSize + 1, nextCode = clearCode + 2, previous = -1;
        clearCodes = 0;
        while (true)
        {
            Assert.That(bit + codeBits, Is.LessThanOrEqualTo(data.Length * 8), "the data ends before the end code");
            int code = 0;
            for (int k = 0; k < codeBits; k++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << k;

            if (code == clearCode)
            {
                clearCodes++;
                (codeBits, nextCode, previous) = (minCodeSize + 1, clearCode + 2, -1);
                continue;
            }
            if (code == endCode) break;
            Assert.That(code, Is.LessThanOrEqualTo(nextCode), "code not yet defined");
            Assert.That(previous >= 0 || code < clearCode, Is.True, "the first code after a clear is a literal");

            // KwKwK: the code being defined by this very step is the previous string plus its first index.
            int stringCode = code < nextCode ? code : previous;
            int stringLength = length[stringCode] + (code < nextCode ? 0 : 1);
            Assert.That(count + stringLength, Is.LessThanOrEqualTo(pixelCount), "more pixels than the image holds");
            for (int c = stringCode, k = length[stringCode] - 1; k >= 0; k--, c = prefix[c]) pixels[count + k] = suffix[c];
            if (code == nextCode) pixels[count + stringLength - 1] = first[previous];
            count += stringLength;

            if (previous >= 0 && nextCode < maxCodes)
            {
                prefix[nextCode] = previous;
                suffix[nextCode] = first[stringCode];
                first[nextCode] = first[previous];
                length[nextCode] = length[previous] + 1;
                nextCode++;
                if (nextCode == 1 << codeBits && codeBits < 12) codeBits++;
            }
            previous = code;
        }
        Assert.That(count, Is.EqualTo(pixelCount));
        Assert.That((bit + 7) / 8, Is.EqualTo(data.Length), "nothing after the end code but padding");
        return pixels;
    }

    private static byte[] ReadColorTable(byte[] data, ref int position, byte packed)
    {
        int size = 3 << ((packed & 7) + 1);
        byte[] table = data.AsSpan(position, size).ToArray();
        position += size;
        return table;
    }

    private static List<byte[]> ReadSubBlocks(byte[] data, ref int position)
    {
        var blocks = new List<byte[]>();
        for (int size = data[position++]; size != 0; size = data[position++])
        {
            blocks.Add(data.AsSpan(position, size).ToArray());
            position += size;
        }
        return blocks;
    }

    private static int ReadUInt16(byte[] data, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
}
