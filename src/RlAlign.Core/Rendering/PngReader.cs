using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RlAlign.Core.Rendering;

/// <summary>
/// Reads PNG files into <see cref="RenderFrame"/>s: greyscale, RGB, palette, greyscale + alpha and RGBA images
/// at 8 bits per sample (and 1, 2 or 4 for greyscale and palette), without interlacing.
/// </summary>
/// <remarks>
/// <para>Alpha is dropped: an RGBA pixel keeps its red, green and blue as stored (no blending against a
/// background), which is what <c>imread(path)[:, :, :3]</c> gives in Python. For the same reason
/// <c>tRNS</c> is ignored. Greyscale becomes three equal channels, scaled to 0–255 from lower bit depths as
/// the PNG specification says (a 1-bit 1 is 255). Other ancillary chunks (gamma, colour profiles, text) are
/// CRC-checked and ignored.</para>
/// <para>The decoder is strict: a bad signature, a CRC mismatch, a missing or misplaced critical chunk,
/// truncated or surplus image data or a palette index past the palette throws
/// <see cref="InvalidDataException"/>; 16-bit samples and Adam7 interlacing throw
/// <see cref="NotSupportedException"/>. Every message names the source.</para>
/// </remarks>
public static class PngReader
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes the PNG file at <paramref name="path"/>.</summary>
    public static RenderFrame Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new FileNotFoundException($"PNG file {fullPath} does not exist.", fullPath);
        return Read(File.ReadAllBytes(fullPath), fullPath);
    }

    /// <summary>Decodes the PNG file held in <paramref name="png"/>.</summary>
    /// <param name="source">What the bytes are (a file name), for error messages.</param>
    public static RenderFrame Read(ReadOnlySpan<byte> png, string source = "PNG data")
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
            throw Invalid(source, "it does not start with the PNG signature (not a PNG file)");

        Header? header = null;
        byte[]? palette = null;
        using var compressed = new MemoryStream();
        string previous = "";
        bool seenImageData = false, ended = false;
        for (int offset = Signature.Length; !ended;)
        {
            if (offset == png.Length)
                throw Invalid(source, $"the file ends after its {previous} chunk without an IEND chunk (truncated)");
            if (png.Length - offset < 12)
                throw Invalid(source, $"the file ends at byte {png.Length}, inside the chunk that starts at byte {offset} (truncated)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            string type = Encoding.ASCII.GetString(png.Slice(offset + 4, 4));
            if (length > int.MaxValue || png.Length - offset - 12 < length)
                throw Invalid(source, $"chunk {type} at byte {offset} claims {length} bytes, but the file ends at byte {png.Length} (truncated)");
            ReadOnlySpan<byte> typeAndData = png.Slice(offset + 4, 4 + (int)length);
            ReadOnlySpan<byte> data = typeAndData[4..];
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
            uint actualCrc = Crc32.Ieee.Compute(typeAndData);
            if (storedCrc != actualCrc)
                throw Invalid(source, $"chunk {type} at byte {offset} has CRC {storedCrc:x8}, but its contents give {actualCrc:x8} (corrupt)");
            if (header is null && type != "IHDR")
                throw Invalid(source, $"the first chunk is {type}, not IHDR");

            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw Invalid(source, "it has a second IHDR chunk");
                    header = Header.Parse(data, source);
                    break;
                case "PLTE":
                    if (palette is not null) throw Invalid(source, "it has a second PLTE chunk");
                    if (seenImageData) throw Invalid(source, "its PLTE chunk comes after the image data");
                    if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 256 * 3)
                        throw Invalid(source, $"its PLTE chunk has {data.Length} bytes; a palette is 1 to 256 entries of 3 bytes");
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    if (seenImageData && previous != "IDAT")
                        throw Invalid(source, $"its IDAT chunks are not consecutive (a {previous} chunk sits between them)");
                    seenImageData = true;
                    compressed.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
                default:
                    // Bit 5 of the first letter (lower case) marks an ancillary chunk, safe to skip.
                    if (char.IsUpper(type[0]))
                        throw Invalid(source, $"it has the critical chunk {type}, which this reader does not know");
                    break;
            }
            previous = type;
            offset += 12 + (int)length;
        }

        Header image = header!;
        if (!seenImageData) throw Invalid(source, "it has no IDAT chunk (no image data)");
        if (image.ColourType == ColourType.Palette && palette is null)
            throw Invalid(source, "it is a palette image without a PLTE chunk");

        byte[] scanlines = Inflate(compressed, image, source);
        Unfilter(scanlines, image, source);
        return new RenderFrame(image.Width, image.Height, ToRgb(scanlines, image, palette, source));
    }

    private enum ColourType : byte
    {
        Greyscale = 0,
        Rgb = 2,
        Palette = 3,
        GreyscaleAlpha = 4,
        Rgba = 6,
    }

    private sealed record Header(int Width, int Height, int BitDepth, ColourType ColourType)
    {
        public int Channels => ColourType switch
        {
            ColourType.Greyscale or ColourType.Palette => 1,
            ColourType.GreyscaleAlpha => 2,
            ColourType.Rgb => 3,
            _ => 4,
        };

        /// <summary>Bytes per scanline, without its filter-type byte.</summary>
        public int Stride => (int)(((long)Width * Channels * BitDepth + 7) / 8);

        /// <summary>The filters' "bpp": bytes per complete pixel, at least one.</summary>
        public int FilterStep => Math.Max(1, Channels * BitDepth / 8);

        public static Header Parse(ReadOnlySpan<byte> data, string source)
        {
            if (data.Length != 13) throw Invalid(source, $"its IHDR chunk has {data.Length} bytes instead of 13");
            uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
            uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
            byte bitDepth = data[8], colourType = data[9], compression = data[10], filter = data[11], interlace = data[12];

            if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
                throw Invalid(source, $"its IHDR gives a {width}×{height} image; both sides must be 1 to {int.MaxValue}");
            if ((long)width * height * 3 > Array.MaxLength)
                throw Invalid(source, $"its {width}×{height} image is too large to hold in memory as RGB");
            int[] allowedDepths = colourType switch
            {
                (byte)ColourType.Greyscale => [1, 2, 4, 8, 16],
                (byte)ColourType.Palette => [1, 2, 4, 8],
                (byte)ColourType.Rgb or (byte)ColourType.GreyscaleAlpha or (byte)ColourType.Rgba => [8, 16],
                _ => throw Invalid(source, $"its IHDR has colour type {colourType}; PNG defines 0, 2, 3, 4 and 6"),
            };
            if (Array.IndexOf(allowedDepths, bitDepth) < 0)
                throw Invalid(source, $"its IHDR has bit depth {bitDepth} for colour type {colourType}; PNG allows {string.Join(", ", allowedDepths)}");
            if (compression != 0) throw Invalid(source, $"its IHDR has compression method {compression}; PNG defines only 0 (deflate)");
            if (filter != 0) throw Invalid(source, $"its IHDR has filter method {filter}; PNG defines only 0");
            if (interlace > 1) throw Invalid(source, $"its IHDR has interlace method {interlace}; PNG defines 0 (none) and 1 (Adam7)");
            if (interlace == 1)
                throw new NotSupportedException($"PNG {source}: interlaced (Adam7) images are not supported; save it without interlacing.");
            if (bitDepth == 16)
                throw new NotSupportedException($"PNG {source}: 16-bit samples are not supported; save it with 8 bits per channel.");
            return new Header((int)width, (int)height, bitDepth, (ColourType)colourType);
        }
    }

    /// <summary>The zlib stream of the IDAT chunks, which must inflate to exactly one filter byte and stride per row.</summary>
    private static byte[] Inflate(MemoryStream compressed, Header image, string source)
    {
        long expected = (long)image.Height * (image.Stride + 1);
        if (expected > Array.MaxLength) throw Invalid(source, $"its {image.Width}×{image.Height} image is too large to hold in memory");
        var scanlines = new byte[expected];
        compressed.Position = 0;
        int read;
        bool surplus;
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            read = zlib.ReadAtLeast(scanlines, scanlines.Length, throwOnEndOfStream: false);
            surplus = read == scanlines.Length && zlib.ReadByte() >= 0;
        }
        catch (InvalidDataException e)
        {
            throw Invalid(source, $"its image data is not a valid zlib stream ({e.Message})");
        }
        if (read < scanlines.Length)
            throw Invalid(source, $"its image data inflates to {read} bytes; {image.Width}×{image.Height} needs {expected} (truncated)");
        if (surplus)
            throw Invalid(source, $"its image data inflates to more than the {expected} bytes {image.Width}×{image.Height} needs");
        return scanlines;
    }

    /// <summary>Undoes each row's filter in place; row <c>r</c>'s bytes start at <c>r * (stride + 1) + 1</c>.</summary>
    private static void Unfilter(byte[] scanlines, Header image, string source)
    {
        int stride = image.Stride, step = image.FilterStep;
        for (int row = 0; row < image.Height; row++)
        {
            int start = row * (stride + 1);
            byte filter = scanlines[start];
            Span<byte> line = scanlines.AsSpan(start + 1, stride);
            // The row above is all zeros for the first row.
            ReadOnlySpan<byte> above = row == 0 ? new byte[stride] : scanlines.AsSpan(start - stride, stride);
            switch (filter)
            {
                case 0:
                    break;
                case 1: // Sub
                    for (int i = step; i < stride; i++) line[i] += line[i - step];
                    break;
                case 2: // Up
                    for (int i = 0; i < stride; i++) line[i] += above[i];
                    break;
                case 3: // Average
                    for (int i = 0; i < stride; i++)
                        line[i] += (byte)(((i >= step ? line[i - step] : 0) + above[i]) >> 1);
                    break;
                case 4: // Paeth
                    for (int i = 0; i < stride; i++)
                        line[i] += i >= step ? Paeth(line[i - step], above[i], above[i - step]) : above[i];
                    break;
                default:
                    throw Invalid(source, $"row {row} has filter type {filter}; PNG defines 0 to 4");
            }
        }
    }

    private static byte Paeth(byte left, byte up, byte upLeft)
    {
        int estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpLeft = Math.Abs(estimate - upLeft);
        if (toLeft <= toUp && toLeft <= toUpLeft) return left;
        return toUp <= toUpLeft ? up : upLeft;
    }

    private static byte[] ToRgb(byte[] scanlines, Header image, byte[]? palette, string source)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        int stride = image.Stride, depth = image.BitDepth, channels = image.Channels;
        int maxSample = (1 << depth) - 1;
        for (int row = 0; row < image.Height; row++)
        {
            ReadOnlySpan<byte> line = scanlines.AsSpan(row * (stride + 1) + 1, stride);
            Span<byte> output = rgb.AsSpan(row * image.Width * 3, image.Width * 3);
            for (int x = 0; x < image.Width; x++)
            {
                Span<byte> pixel = output.Slice(x * 3, 3);
                switch (image.ColourType)
                {
                    case ColourType.Rgb or ColourType.Rgba:
                        line.Slice(x * channels, 3).CopyTo(pixel);
                        break;
                    case ColourType.GreyscaleAlpha:
                        pixel.Fill(line[x * 2]);
                        break;
                    case ColourType.Greyscale:
                        pixel.Fill((byte)(Sample(line, x, depth) * 255 / maxSample));
                        break;
                    case ColourType.Palette:
                        int index = Sample(line, x, depth);
                        if (index * 3 >= palette!.Length)
                            throw Invalid(source, $"pixel ({x}, {row}) uses palette entry {index}, but the palette has {palette.Length / 3}");
                        palette.AsSpan(index * 3, 3).CopyTo(pixel);
                        break;
                }
            }
        }
        return rgb;
    }

    /// <summary>The <paramref name="x"/>-th sample of a row packed at <paramref name="depth"/> bits, most significant bits first.</summary>
    private static int Sample(ReadOnlySpan<byte> line, int x, int depth)
    {
        if (depth == 8) return line[x];
        int bit = x * depth;
        int shift = 8 - depth - bit % 8;
        return (line[bit / 8] >> shift) & ((1 << depth) - 1);
    }

    private static InvalidDataException Invalid(string source, string problem) => new($"PNG {source}: {problem}.");
}
