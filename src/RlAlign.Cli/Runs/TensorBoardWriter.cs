using System.Buffers.Binary;
using System.Text;
using RlAlign.Core;

namespace RlAlign.Cli.Runs;

/// <summary>
/// Writes TensorBoard event files (TFRecord framing around <c>tensorflow.Event</c> protobufs) with
/// scalar summaries. Written by hand so that wall time is stamped the way TensorBoard expects
/// (float64 seconds since the epoch) and nothing beyond the BCL is needed.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _header = new byte[12];
    private readonly byte[] _crc = new byte[4];

    public TensorBoardWriter(string logDirectory)
    {
        Directory.CreateDirectory(logDirectory);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Path = System.IO.Path.Combine(logDirectory, $"events.out.tfevents.{(long)now}.{Environment.MachineName}.{Environment.ProcessId}.rlalign");
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var version = new ProtoWriter();
        version.Double(1, now);
        version.String(3, "brain.Event:2");
        WriteRecord(version.ToArray());
    }

    public string Path { get; }

    public void AddScalar(string tag, double value, long step, double? wallTime = null)
    {
        var summaryValue = new ProtoWriter();
        summaryValue.String(1, tag);
        summaryValue.Float(2, (float)value);
        var summary = new ProtoWriter();
        summary.Message(1, summaryValue);
        var evt = new ProtoWriter();
        evt.Double(1, wallTime ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        evt.Int64(2, step);
        evt.Message(5, summary);
        WriteRecord(evt.ToArray());
    }

    public void Flush() => _stream.Flush();

    public void Dispose() => _stream.Dispose();

    private void WriteRecord(byte[] data)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(8), MaskedCrc32C(_header.AsSpan(0, 8)));
        _stream.Write(_header);
        _stream.Write(data);
        BinaryPrimitives.WriteUInt32LittleEndian(_crc, MaskedCrc32C(data));
        _stream.Write(_crc);
    }

    /// <summary>TFRecord stores CRC-32C checksums rotated and offset ("masked").</summary>
    private static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32.Castagnoli.Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }

    /// <summary>The few protobuf wire-format encodings an Event needs.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _buffer = new();

        public void Double(int field, double value)
        {
            Tag(field, 1);
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
            _buffer.Write(bytes);
        }

        public void Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            _buffer.Write(bytes);
        }

        public void Int64(int field, long value)
        {
            Tag(field, 0);
            Varint((ulong)value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _buffer.ToArray();

        private void Bytes(int field, byte[] bytes)
        {
            Tag(field, 2);
            Varint((ulong)bytes.Length);
            _buffer.Write(bytes);
        }

        private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _buffer.WriteByte((byte)value);
        }
    }
}
