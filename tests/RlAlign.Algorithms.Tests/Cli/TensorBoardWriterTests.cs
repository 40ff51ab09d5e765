using System.Buffers.Binary;
using System.Text;
using RlAlign.Cli.Runs;
using RlAlign.Core;

namespace RlAlign.Algorithms.Tests.Cli;

public class TensorBoardWriterTests
{
    [Test]
    public void WritesTfRecordFramedEventsWithValidChecksums()
    {
        string directory = Directory.CreateTempSubdirectory("rlalign-tb-").FullName;
        try
        {
            string path;
            using (var writer = new TensorBoardWriter(directory))
            {
                writer.AddScalar("charts/episodic_return", 123.5, step: 4096, wallTime: 1_700_000_000.25);
                path = writer.Path;
            }

            List<byte[]> records = ReadRecords(File.ReadAllBytes(path));
            Assert.That(records, Has.Count.EqualTo(2));
            Assert.That(Encoding.UTF8.GetString(records[0]), Does.Contain("brain.Event:2"));

            byte[] scalar = records[1];
            // Event.wall_time (field 1, fixed64 double), Event.step (field 2, varint).
            Assert.That(scalar[0], Is.EqualTo(0x09));
            Assert.That(BinaryPrimitives.ReadDoubleLittleEndian(scalar.AsSpan(1)), Is.EqualTo(1_700_000_000.25));
            Assert.That(scalar[9], Is.EqualTo(0x10));
            Assert.That(scalar.AsSpan(10, 2).ToArray(), Is.EqualTo(new byte[] { 0x80, 0x20 })); // 4096 as a varint
            Assert.That(Encoding.UTF8.GetString(scalar), Does.Contain("charts/episodic_return"));
            byte[] value = BitConverter.GetBytes(123.5f);
            Assert.That(scalar.AsSpan(scalar.Length - 4).ToArray(), Is.EqualTo(value));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Reads TFRecord framing, checking both masked CRC-32C checksums of every record.</summary>
    private static List<byte[]> ReadRecords(byte[] file)
    {
        var records = new List<byte[]>();
        for (int offset = 0; offset < file.Length;)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(offset));
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 8)), Is.EqualTo(Masked(file.AsSpan(offset, 8))));
            byte[] data = file.AsSpan(offset + 12, (int)length).ToArray();
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 12 + (int)length)), Is.EqualTo(Masked(data)));
            records.Add(data);
            offset += 12 + (int)length + 4;
        }
        return records;
    }

    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32.Castagnoli.Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }
}
