using NUnit.Framework;
using RlAlign.Core.Rendering;
using static RlAlign.Core.Tests.Rendering.PngBuilder;

namespace RlAlign.Core.Tests.Rendering;

public class PngReaderTests
{
    private const byte Grey = 0, Rgb = 2, Indexed = 3, GreyAlpha = 4, Rgba = 6;

    [Test]
    public void RoundTripsPngWriterOutput()
    {
        var random = new System.Random(5);
        byte[] rgb = new byte[7 * 4 * 3];
        random.NextBytes(rgb);
        using var stream = new MemoryStream();
        PngWriter.Write(stream, new RenderFrame(7, 4, rgb));

        RenderFrame frame = PngReader.Read(stream.ToArray());

        Assert.That((frame.Width, frame.Height), Is.EqualTo((7, 4)));
        Assert.That(frame.Rgb, Is.EqualTo(rgb));
    }

    /// <summary>
    /// A 3×2 greyscale image, rows (10, 20, 30) and (40, 10, 200), with the second row stored under each
    /// filter; the filtered bytes are worked out by hand from the PNG specification. Paeth picks the pixel
    /// above, to the left, then above-left across the row.
    /// </summary>
    [TestCase(0, new byte[] { 40, 10, 200 })]
    [TestCase(1, new byte[] { 40, 226, 190 })] // Sub: 10 - 40, 200 - 10
    [TestCase(2, new byte[] { 30, 246, 170 })] // Up: 40 - 10, 10 - 20, 200 - 30
    [TestCase(3, new byte[] { 35, 236, 180 })] // Average: 40 - 10/2, 10 - (40 + 20)/2, 200 - (10 + 30)/2
    [TestCase(4, new byte[] { 30, 226, 180 })] // Paeth: 40 - 10 (up), 10 - 40 (left), 200 - 20 (up-left)
    public void UndoesEachFilterAsTheSpecificationDefinesIt(byte filter, byte[] secondRow)
    {
        byte[] png = Png(Header(3, 2, 8, Grey), ImageData([0, 10, 20, 30, filter, .. secondRow]), End());

        RenderFrame frame = PngReader.Read(png);

        Assert.That(frame.Rgb, Is.EqualTo(Expand([10, 20, 30, 40, 10, 200])));
    }

    [TestCase(Rgb, 3)]
    [TestCase(Rgba, 4)]
    public void DecodesEveryFilterOverMultiplePixelBytesAndSplitImageData(byte colourType, int channels)
    {
        const int width = 9, height = 10;
        var random = new System.Random(11);
        byte[] samples = new byte[width * height * channels];
        random.NextBytes(samples);
        // Row r uses filter r % 5, so each filter follows each other kind of row.
        byte[] scanlines = Filter(samples, width * channels, channels, row => (byte)(row % 5));
        byte[] png = Png(Header(width, height, 8, colourType), ImageData(scanlines, parts: 3), End());

        RenderFrame frame = PngReader.Read(png);

        byte[] expected = [.. samples.Chunk(channels).SelectMany(pixel => pixel[..3])];
        Assert.That(frame.Rgb, Is.EqualTo(expected), "red, green and blue as stored; alpha dropped");
    }

    [Test]
    public void MapsPaletteIndicesToTheirColoursAndIgnoresAncillaryChunks()
    {
        // 2 bits per index: 5 pixels pack into two bytes, the last padded with zero bits.
        byte[] png = Png(
            Header(5, 2, 2, Indexed),
            Palette((0, 0, 0), (255, 255, 255), (255, 0, 0)),
            Chunk("tRNS", [0, 255, 128]),
            Chunk("tEXt", "Comment\0hand-built"u8.ToArray()),
            ImageData([0, 0b00_01_10_01, 0b00_000000, 0, 0b10_10_01_00, 0b01_000000]),
            End());

        RenderFrame frame = PngReader.Read(png);

        byte[] black = [0, 0, 0], white = [255, 255, 255], red = [255, 0, 0];
        Assert.That((frame.Width, frame.Height), Is.EqualTo((5, 2)));
        Assert.That(frame.Rgb, Is.EqualTo(new[] { black, white, red, white, black, red, red, white, black, white }.SelectMany(p => p)));
    }

    [Test]
    public void ScalesLowBitDepthGreyToTheFullRange()
    {
        // 1 bit: ten pixels per row, two bytes with six padding bits.
        byte[] oneBit = Png(Header(10, 2, 1, Grey), ImageData([0, 0b10101010, 0b10_000000, 0, 0b00000111, 0b11_000000]), End());
        Assert.That(PngReader.Read(oneBit).Rgb, Is.EqualTo(Expand([255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255])));

        // 4 bits: 0, 7 and 15 of 15.
        byte[] fourBit = Png(Header(3, 1, 4, Grey), ImageData([0, 0x07, 0xF0]), End());
        Assert.That(PngReader.Read(fourBit).Rgb, Is.EqualTo(Expand([0, 119, 255])));
    }

    [Test]
    public void DropsAlphaFromGreyWithAlpha()
    {
        byte[] png = Png(Header(2, 1, 8, GreyAlpha), ImageData([0, 90, 0, 200, 255]), End());
        Assert.That(PngReader.Read(png).Rgb, Is.EqualTo(Expand([90, 200])));
    }

    [Test]
    public void RejectsCorruptFilesNamingTheFileAndTheProblem()
    {
        byte[] scanlines = [0, 1, 2, 3, 0, 4, 5, 6];
        byte[] good = Png(Header(1, 2, 8, Rgb), ImageData(scanlines), End());
        Assert.That(PngReader.Read(good, "good.png").Rgb, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }));

        Assert.Multiple(() =>
        {
            AssertInvalid([.. good[..7], 0], "does not start with the PNG signature");
            AssertInvalid(Png(Header(1, 2, 8, Rgb), Chunk("IDAT", Compress(scanlines), crcError: 1), End()), "chunk IDAT at byte 33 has CRC");
            AssertInvalid(good[..^12], "without an IEND chunk (truncated)");
            AssertInvalid(good[..50], "chunk IDAT at byte 33 claims");
            AssertInvalid(good[..^6], "inside the chunk that starts at byte");
            AssertInvalid(Png(Header(1, 2, 8, Rgb), ImageData(scanlines[..4]), End()), "inflates to 4 bytes; 1×2 needs 8 (truncated)");
            AssertInvalid(Png(Header(1, 2, 8, Rgb), ImageData([.. scanlines, 0]), End()), "inflates to more than the 8 bytes");
            AssertInvalid(Png(Header(1, 2, 8, Rgb), Chunk("IDAT", [1, 2, 3, 4]), End()), "not a valid zlib stream");
            AssertInvalid(Png(Header(1, 2, 8, Rgb), ImageData([0, 1, 2, 3, 5, 4, 5, 6]), End()), "row 1 has filter type 5");
            AssertInvalid(Png(Header(1, 1, 8, Indexed), ImageData([0, 0]), End()), "palette image without a PLTE chunk");
            AssertInvalid(Png(Header(1, 1, 8, Indexed), Palette((1, 2, 3)), ImageData([0, 1]), End()), "palette entry 1, but the palette has 1");
            AssertInvalid(Png(Header(1, 1, 4, Rgb), ImageData([0, 0]), End()), "bit depth 4 for colour type 2");
            AssertInvalid(Png(Header(1, 1, 8, Rgb), End()), "no IDAT chunk");
            AssertInvalid(Png(Chunk("IDAT", []), End()), "the first chunk is IDAT, not IHDR");
        });
    }

    [Test]
    public void RejectsInterlacedAnd16BitImagesAsUnsupported()
    {
        byte[] interlaced = Png(Header(1, 1, 8, Rgb, interlace: 1), ImageData([0, 1, 2, 3]), End());
        byte[] deep = Png(Header(1, 1, 16, Rgb), ImageData([0, 1, 2, 3, 4, 5, 6]), End());

        Assert.That(() => PngReader.Read(interlaced, "maze.png"),
            Throws.InstanceOf<NotSupportedException>().With.Message.EqualTo("PNG maze.png: interlaced (Adam7) images are not supported; save it without interlacing."));
        Assert.That(() => PngReader.Read(deep, "maze.png"),
            Throws.InstanceOf<NotSupportedException>().With.Message.Contains("maze.png").And.Message.Contains("16-bit samples are not supported"));
    }

    [Test]
    public void LoadNamesTheFileInItsErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rlalign-png-{Guid.NewGuid():N}.png");
        try
        {
            System.IO.File.WriteAllBytes(path, Png(Header(1, 1, 8, Rgb), Chunk("IDAT", Compress([0, 1, 2, 3]), crcError: 0x100), End()));
            Assert.That(() => PngReader.Load(path), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith($"PNG {path}: chunk IDAT"));
            Assert.That(() => PngReader.Load(path + ".missing"), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains(path + ".missing"));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    private static void AssertInvalid(byte[] png, string problem)
        => Assert.That(() => PngReader.Read(png, "pattern.png"),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("PNG pattern.png: ").And.Message.Contains(problem));

    private static byte[] Expand(byte[] grey) => [.. grey.SelectMany(g => new[] { g, g, g })];

    /// <summary>Stores each row under <paramref name="filterOf"/>(row): the encoder's side of the PNG filters.</summary>
    private static byte[] Filter(byte[] samples, int stride, int step, Func<int, byte> filterOf)
    {
        int height = samples.Length / stride;
        var scanlines = new byte[height * (stride + 1)];
        for (int row = 0; row < height; row++)
        {
            byte filter = filterOf(row);
            scanlines[row * (stride + 1)] = filter;
            for (int i = 0; i < stride; i++)
            {
                int at = row * stride + i;
                int left = i >= step ? samples[at - step] : 0;
                int up = row > 0 ? samples[at - stride] : 0;
                int upLeft = row > 0 && i >= step ? samples[at - stride - step] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    _ => PaethPredictor(left, up, upLeft),
                };
                scanlines[row * (stride + 1) + 1 + i] = (byte)(samples[at] - predicted);
            }
        }
        return scanlines;
    }

    private static int PaethPredictor(int left, int up, int upLeft)
    {
        int p = left + up - upLeft;
        int pa = Math.Abs(p - left), pb = Math.Abs(p - up), pc = Math.Abs(p - upLeft);
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
}
