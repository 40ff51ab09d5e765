using System.Buffers.Binary;
using System.Text;
using RlAlign.Policies.Serialization;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

public sealed class SafeTensorsTests
{
    [Test]
    public void EveryWritableDTypeRoundTripsBitForBit()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        var generator = new TorchSharp.torch.Generator(7);
        Tensor floats = randn([3, 5], generator: generator);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = floats.to(ScalarType.Float64) * 1e-3,
            ["f32"] = floats,
            ["f16"] = floats.to(ScalarType.Float16),
            ["bf16"] = floats.to(ScalarType.BFloat16),
            ["i64"] = arange(-6, 6, dtype: ScalarType.Int64).view(3, 4) * 1_000_000_007L,
            ["i32"] = arange(-3, 3, dtype: ScalarType.Int32),
            ["i16"] = arange(-300, 300, 100, dtype: ScalarType.Int16),
            ["i8"] = arange(-2, 3, dtype: ScalarType.Int8),
            ["u8"] = arange(250, 256, dtype: ScalarType.Int64).to(ScalarType.Byte).view(2, 3),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(2.5f),
            ["empty"] = zeros(0, 4),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "a+b <c>" };
        string path = folder.File("all.safetensors");

        SafeTensorsWriter.Write(path, tensors, metadata);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.That(file.Metadata, Is.EquivalentTo(metadata));
        Assert.That(file.Tensors.Select(t => t.Name), Is.EquivalentTo(tensors.Keys));
        foreach (var (name, expected) in tensors)
        {
            using Tensor actual = file.Read(name);
            Assert.That(actual.dtype, Is.EqualTo(expected.dtype), name);
            Assert.That(actual.shape, Is.EqualTo(expected.shape), name);
            Assert.That(actual.contiguous().bytes.ToArray(), Is.EqualTo(expected.contiguous().bytes.ToArray()), name);
        }
        // Each tensor starts at a multiple of its element size (header padded to 8, larger elements first).
        Assert.That(file.Tensors.All(t => t.Begin % Math.Max(1, ElementSize(t.DType)) == 0), Is.True);
        Assert.That(new FileInfo(path).Length, Is.EqualTo(8 + HeaderLength(path) + file.Tensors.Max(t => t.End)));
    }

    [Test]
    public void ReadsFilesWrittenByThePythonReferenceLayout()
    {
        // Written by make_gpt2_reference.py with its own encoder: F32, BF16, F16 and a 0-d tensor.
        using SafeTensorsFile file = SafeTensorsFile.Open(TestData.Path("gpt2-reference", "model.safetensors"));
        Assert.That(file.Metadata["format"], Is.EqualTo("pt"));
        Assert.That(file.GetInfo("wpe.weight").DType, Is.EqualTo("BF16"));
        Assert.That(file.GetInfo("ln_f.weight").DType, Is.EqualTo("F16"));
        using Tensor maskedBias = file.Read("h.0.attn.masked_bias");
        Assert.That(maskedBias.shape, Is.Empty);
        Assert.That(maskedBias.item<float>(), Is.EqualTo(-1e4f));
        using Tensor causal = file.Read("h.1.attn.bias");
        Assert.That(causal.shape, Is.EqualTo(new long[] { 1, 1, 16, 16 }));
        Assert.That(causal.sum().item<float>(), Is.EqualTo(16 * 17 / 2));
    }

    [Test]
    public void ATextFileIsNotASafetensorsFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("notes.safetensors");
        File.WriteAllText(path, "these are not tensors, just some words in a file");
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("header length"));
    }

    [Test]
    public void HeaderThatIsNotJsonIsRejected()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.safetensors");
        WriteRaw(path, "{\"a\": {\"dtype\": \"F32\", ");
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path))!;
        Assert.That(error.Message, Does.Contain("not JSON"));
    }

    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", "needs 16 bytes but data_offsets span 12")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,64]}}", "lie outside")]
    [TestCase("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", "dtype 'C64' is not supported")]
    [TestCase("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "missing string field 'dtype'")]
    [TestCase("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", "overlap")]
    [TestCase("[1, 2]", "not an object")]
    public void InconsistentHeadersNameTheProblem(string header, string expected)
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.safetensors");
        WriteRaw(path, header, dataBytes: 16);
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path))!;
        Assert.That(error.Message, Does.Contain(expected));
    }

    private static void WriteRaw(string path, string header, int dataBytes = 0)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }

    private static long HeaderLength(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[8];
        stream.ReadExactly(buffer);
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer);
    }

    private static int ElementSize(string dtype) => SafeTensorsDType.TryParse(dtype, out _, out int size) ? size : 0;
}
