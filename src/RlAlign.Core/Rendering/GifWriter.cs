using System.Buffers.Binary;

namespace RlAlign.Core.Rendering;

/// <summary>
/// Writes <see cref="RenderFrame"/>s as an animated GIF (GIF89a), with no dependencies, so that an
/// episode rendered by <see cref="IEnv.Render"/> can be saved and viewed anywhere.
/// </summary>
/// <remarks>
/// Each frame gets its own local color table (GIF89a §21): a frame with at most 256 distinct colours
/// (the flat-coloured renders of our envs) is stored exactly; one with more is reduced to 256 colours
/// by median cut, deterministically. The stream is not closed: the caller owns it.
/// </remarks>
public sealed class GifWriter : IDisposable
{
    // A GIF color table holds at most 2^8 entries (GIF89a §18, §21).
    private const int MaxColors = 256;

    private readonly Stream _output;
    private readonly int _width;
    private readonly int _height;
    private readonly ushort _delayCentiseconds;
    private readonly byte[] _indices;
    private readonly byte[] _palette = new byte[MaxColors * 3];
    private readonly ExactPalette _exactPalette = new();
    private readonly LzwEncoder _lzw = new();
    private MedianCut? _medianCut;
    private bool _disposed;

    /// <summary>Writes the GIF header to <paramref name="output"/>; frames follow with <see cref="AddFrame"/>.</summary>
    /// <param name="frameDelayMilliseconds">How long each frame shows; GIF stores it in hundredths of a second.</param>
    /// <param name="loop">Whether viewers repeat the animation forever (otherwise it plays once).</param>
    public GifWriter(Stream output, int width, int height, int frameDelayMilliseconds = 40, bool loop = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(output));
        // Sizes and the delay are unsigned 16-bit fields (GIF89a §18, §23).
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(frameDelayMilliseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameDelayMilliseconds, ushort.MaxValue * 10);
        if ((long)width * height * 3 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}x{height} frame does not fit in one array.");

        _output = output;
        _width = width;
        _height = height;
        _delayCentiseconds = (ushort)((frameDelayMilliseconds + 5) / 10);
        _indices = new byte[width * height];
        WriteHeader(loop);
    }

    /// <summary>Appends <paramref name="frame"/>, which must have the size given to the constructor.</summary>
    public void AddFrame(RenderFrame frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != _width || frame.Height != _height)
            throw new ArgumentException($"The frame is {frame.Width}x{frame.Height} but the GIF is {_width}x{_height}.", nameof(frame));
        if (frame.Rgb.Length != _indices.Length * 3)
            throw new ArgumentException($"A {frame.Width}x{frame.Height} frame needs {_indices.Length * 3} RGB bytes, not {frame.Rgb.Length}.", nameof(frame));

        int colors = _exactPalette.Map(frame.Rgb, _indices, _palette);
        if (colors < 0) colors = (_medianCut ??= new MedianCut()).Map(frame.Rgb, _indices, _palette);

        // A color table has 2^(n+1) entries (GIF89a §20 "Size of Local Color Table"), and the LZW
        // minimum code size must be at least 2 (Appendix F), even for a two-colour table.
        int tableBits = Math.Max(1, 32 - int.LeadingZeroCount(colors - 1));
        WriteFrameHeader(tableBits, colors);
        _lzw.Encode(_indices, Math.Max(2, tableBits), _output);
    }

    /// <summary>Writes the trailer (GIF89a §27), which ends the file; the stream stays open.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _output.WriteByte(0x3B);
        _output.Flush();
    }

    /// <summary>Writes <paramref name="frames"/> (all of the first one's size) to <paramref name="path"/> as a GIF, atomically.</summary>
    public static void Save(string path, IEnumerable<RenderFrame> frames, int frameDelayMilliseconds = 40)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(frames);
        using IEnumerator<RenderFrame> enumerator = frames.GetEnumerator();
        // Fail before creating the file: a GIF with no image would be valid but useless.
        if (!enumerator.MoveNext()) throw new ArgumentException("There are no frames to save.", nameof(frames));
        RenderFrame first = enumerator.Current;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new GifWriter(stream, first.Width, first.Height, frameDelayMilliseconds);
            do writer.AddFrame(enumerator.Current);
            while (enumerator.MoveNext());
        });
    }

    private void WriteHeader(bool loop)
    {
        Span<byte> header = stackalloc byte[13 + 19];
        "GIF89a"u8.CopyTo(header); // §17: signature and version; 89a for the extensions below
        // §18 Logical Screen Descriptor. Packed: no global color table (each frame has its own),
        // color resolution 8 bits per primary (7 = bits − 1); background index and aspect ratio unused.
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)_width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], (ushort)_height);
        header[10] = 0x70;
        header[11] = 0;
        header[12] = 0;
        int length = 13;
        if (loop)
        {
            // §26 Application Extension with Netscape's identifier, the de facto loop control that
            // every viewer honours: sub-block 1 holds the loop count, 0 meaning forever.
            ReadOnlySpan<byte> netscapeLoop = [0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0];
            netscapeLoop.CopyTo(header[13..]);
            length += netscapeLoop.Length;
        }
        _output.Write(header[..length]);
    }

    private void WriteFrameHeader(int tableBits, int colors)
    {
        int tableBytes = 3 << tableBits;
        Span<byte> header = stackalloc byte[8 + 10 + MaxColors * 3];
        // §23 Graphic Control Extension: disposal method 1 (leave the frame in place; each frame
        // covers the whole screen anyway), no transparency, then the delay in 1/100 s.
        header[0] = 0x21;
        header[1] = 0xF9;
        header[2] = 4;
        header[3] = 1 << 2;
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], _delayCentiseconds);
        header[6] = 0;
        header[7] = 0;
        // §20 Image Descriptor: the whole screen, not interlaced, with a local color table of
        // 2^tableBits entries (the field stores tableBits − 1).
        header[8] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(header[9..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[11..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[13..], (ushort)_width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[15..], (ushort)_height);
        header[17] = (byte)(0x80 | (tableBits - 1));
        // §21 Local Color Table, padded with black up to its power-of-two size.
        Span<byte> table = header.Slice(18, tableBytes);
        _palette.AsSpan(0, colors * 3).CopyTo(table);
        table[(colors * 3)..].Clear();
        _output.Write(header[..(18 + tableBytes)]);
    }

    /// <summary>
    /// Indexes a frame by its own colours, in order of first appearance, or reports that it has
    /// more than 256. An open-addressing table reused across frames keeps this allocation-free.
    /// </summary>
    private sealed class ExactPalette
    {
        // A power of two at most a quarter full with 256 colours, so probe runs stay short.
        private const int Slots = 1024;

        private readonly int[] _keys = new int[Slots]; // 24-bit colour + 1; 0 marks an empty slot
        private readonly byte[] _values = new byte[Slots];

        /// <summary>Fills <paramref name="indices"/> and <paramref name="palette"/>; returns the number of colours, or −1 past 256.</summary>
        public int Map(ReadOnlySpan<byte> rgb, Span<byte> indices, Span<byte> palette)
        {
            Array.Clear(_keys);
            int colors = 0;
            int previousKey = 0;
            byte previousIndex = 0;
            for (int i = 0, p = 0; i < indices.Length; i++, p += 3)
            {
                int key = (rgb[p] << 16 | rgb[p + 1] << 8 | rgb[p + 2]) + 1;
                // Rendered frames are mostly runs of one colour: skip the lookup within a run.
                if (key != previousKey)
                {
                    int slot = (int)((uint)key * 0x9E3779B1u >> 22);
                    while (_keys[slot] != key && _keys[slot] != 0) slot = (slot + 1) & (Slots - 1);
                    if (_keys[slot] == 0)
                    {
                        if (colors == MaxColors) return -1;
                        _keys[slot] = key;
                        _values[slot] = (byte)colors;
                        rgb.Slice(p, 3).CopyTo(palette[(colors * 3)..]);
                        colors++;
                    }
                    previousKey = key;
                    previousIndex = _values[slot];
                }
                indices[i] = previousIndex;
            }
            return colors;
        }
    }

    /// <summary>
    /// Heckbert's median cut on a 5-bit-per-channel histogram: repeatedly split the box of colours
    /// that is widest along any channel at its pixel-weighted median, until there are 256 boxes; each
    /// box's colour is the mean of its pixels. Ties go to the earlier box, so the result is deterministic.
    /// </summary>
    private sealed class MedianCut
    {
        private const int Bits = 5;
        private const int Levels = 1 << Bits;
        private const int Bins = Levels * Levels * Levels;

        private readonly int[] _counts = new int[Bins];
        private readonly long[] _sums = new long[Bins * 3];
        private readonly byte[] _binIndex = new byte[Bins];
        private readonly int[] _bins = new int[Bins]; // the occupied bins, grouped box by box
        private readonly int[] _sorted = new int[Bins];
        private readonly Box[] _boxes = new Box[MaxColors];

        public int Map(ReadOnlySpan<byte> rgb, Span<byte> indices, Span<byte> palette)
        {
            Array.Clear(_counts);
            Array.Clear(_sums);
            for (int p = 0; p < rgb.Length; p += 3)
            {
                int bin = BinOf(rgb, p);
                _counts[bin]++;
                for (int c = 0; c < 3; c++) _sums[bin * 3 + c] += rgb[p + c];
            }
            int occupied = 0;
            for (int bin = 0; bin < Bins; bin++)
                if (_counts[bin] != 0) _bins[occupied++] = bin;

            int boxes = 1;
            _boxes[0] = Measure(0, occupied);
            while (boxes < MaxColors)
            {
                int widest = -1;
                for (int b = 0; b < boxes; b++)
                    if (_boxes[b].Extent > 0 && (widest < 0 || _boxes[b].Extent > _boxes[widest].Extent)) widest = b;
                if (widest < 0) break; // every box is a single bin
                int split = SplitAtMedian(_boxes[widest]);
                (int start, int end) = (_boxes[widest].Start, _boxes[widest].End);
                _boxes[widest] = Measure(start, split);
                _boxes[boxes++] = Measure(split, end);
            }

            for (int b = 0; b < boxes; b++)
            {
                Span<long> sum = [0, 0, 0];
                foreach (int bin in _bins.AsSpan(_boxes[b].Start, _boxes[b].End - _boxes[b].Start))
                {
                    for (int c = 0; c < 3; c++) sum[c] += _sums[bin * 3 + c];
                    _binIndex[bin] = (byte)b;
                }
                long pixels = _boxes[b].Pixels;
                for (int c = 0; c < 3; c++) palette[b * 3 + c] = (byte)((sum[c] + pixels / 2) / pixels);
            }
            for (int i = 0, p = 0; i < indices.Length; i++, p += 3) indices[i] = _binIndex[BinOf(rgb, p)];
            return boxes;
        }

        private static int BinOf(ReadOnlySpan<byte> rgb, int p)
            => (rgb[p] >> (8 - Bits)) << (2 * Bits) | (rgb[p + 1] >> (8 - Bits)) << Bits | rgb[p + 2] >> (8 - Bits);

        private static int Level(int bin, int channel) => (bin >> ((2 - channel) * Bits)) & (Levels - 1);

        private Box Measure(int start, int end)
        {
            Span<int> min = [Levels, Levels, Levels];
            Span<int> max = [-1, -1, -1];
            long pixels = 0;
            foreach (int bin in _bins.AsSpan(start, end - start))
            {
                pixels += _counts[bin];
                for (int c = 0; c < 3; c++)
                {
                    min[c] = Math.Min(min[c], Level(bin, c));
                    max[c] = Math.Max(max[c], Level(bin, c));
                }
            }
            int channel = 0;
            for (int c = 1; c < 3; c++)
                if (max[c] - min[c] > max[channel] - min[channel]) channel = c;
            return new Box(start, end, pixels, channel, max[channel] - min[channel]);
        }

        /// <summary>Orders the box's bins along its widest channel and returns where its pixels divide in half.</summary>
        private int SplitAtMedian(Box box)
        {
            // A stable counting sort on the channel's level: linear, and deterministic for equal levels.
            Span<int> starts = stackalloc int[Levels + 1];
            Span<int> bins = _bins.AsSpan(box.Start, box.End - box.Start);
            foreach (int bin in bins) starts[Level(bin, box.Channel) + 1]++;
            for (int level = 0; level < Levels; level++) starts[level + 1] += starts[level];
            foreach (int bin in bins) _sorted[starts[Level(bin, box.Channel)]++] = bin;
            _sorted.AsSpan(0, bins.Length).CopyTo(bins);

            long seen = 0;
            int split = box.Start;
            while (split < box.End - 1 && (seen += _counts[_bins[split]]) * 2 < box.Pixels) split++;
            // Both halves keep at least one bin.
            return Math.Clamp(split + 1, box.Start + 1, box.End - 1);
        }

        /// <summary>The bins <c>_bins[Start..End)</c>, their pixel count and their widest channel.</summary>
        private readonly record struct Box(int Start, int End, long Pixels, int Channel, int Extent);
    }

    /// <summary>
    /// GIF's variable-length-code LZW (GIF89a Appendix F), packed least significant bit first into
    /// data sub-blocks of at most 255 bytes (§15). The string table is a hash of
    /// (prefix code, next index) → code, reused across frames.
    /// </summary>
    private sealed class LzwEncoder
    {
        private const int MaxCodeBits = 12;
        private const int MaxCodes = 1 << MaxCodeBits;
        // A power of two at most half full with 4096 codes.
        private const int SlotBits = 13;
        private const int Slots = 1 << SlotBits;

        private readonly int[] _keys = new int[Slots]; // (prefix << 8 | index) + 1; 0 marks an empty slot
        private readonly short[] _codes = new short[Slots];
        private readonly byte[] _block = new byte[1 + 255]; // a sub-block: its length, then its data
        private Stream _output = Stream.Null;
        private int _blockLength;
        private int _bitBuffer;
        private int _bitCount;

        public void Encode(ReadOnlySpan<byte> indices, int minCodeSize, Stream output)
        {
            _output = output;
            output.WriteByte((byte)minCodeSize);
            int clearCode = 1 << minCodeSize;
            int endCode = clearCode + 1;
            int codeBits = minCodeSize + 1;
            int nextCode = clearCode + 2;
            Array.Clear(_keys);
            // The spec asks encoders to start with a clear code, so decoders start from a known table.
            Write(clearCode, codeBits);

            int prefix = indices[0];
            for (int i = 1; i < indices.Length; i++)
            {
                int key = (prefix << 8 | indices[i]) + 1;
                int slot = (int)((uint)key * 0x9E3779B1u >> (32 - SlotBits));
                while (_keys[slot] != key && _keys[slot] != 0) slot = (slot + 1) & (Slots - 1);
                if (_keys[slot] == key)
                {
                    prefix = _codes[slot];
                    continue;
                }

                Write(prefix, codeBits);
                codeBits = WidthAfter(nextCode, codeBits);
                _keys[slot] = key;
                _codes[slot] = (short)nextCode++;
                if (nextCode == MaxCodes)
                {
                    // The table is full at 12 bits: clear it rather than keep coding with a frozen
                    // table, so the codes keep adapting to the image (written at 12 bits).
                    Write(clearCode, codeBits);
                    Array.Clear(_keys);
                    codeBits = minCodeSize + 1;
                    nextCode = clearCode + 2;
                }
                prefix = indices[i];
            }
            Write(prefix, codeBits);
            Write(endCode, WidthAfter(nextCode, codeBits));

            if (_bitCount > 0) WriteByte((byte)_bitBuffer);
            _bitBuffer = 0;
            _bitCount = 0;
            if (_blockLength > 0) FlushBlock();
            output.WriteByte(0); // §16 block terminator
            _output = Stream.Null;
        }

        /// <summary>
        /// The code width once a code has been written while <paramref name="nextCode"/> was the next
        /// free code. The decoder builds its table one code behind the encoder, so it reaches
        /// 2^bits entries — and widens — right after reading this code; the encoder widens with it.
        /// </summary>
        private static int WidthAfter(int nextCode, int codeBits)
            => nextCode == 1 << codeBits && codeBits < MaxCodeBits ? codeBits + 1 : codeBits;

        private void Write(int code, int codeBits)
        {
            _bitBuffer |= code << _bitCount;
            _bitCount += codeBits;
            while (_bitCount >= 8)
            {
                WriteByte((byte)_bitBuffer);
                _bitBuffer >>= 8;
                _bitCount -= 8;
            }
        }

        private void WriteByte(byte value)
        {
            _block[++_blockLength] = value;
            if (_blockLength == 255) FlushBlock();
        }

        private void FlushBlock()
        {
            _block[0] = (byte)_blockLength;
            _output.Write(_block, 0, _blockLength + 1);
            _blockLength = 0;
        }
    }
}
