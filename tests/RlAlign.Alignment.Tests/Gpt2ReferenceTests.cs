using System.Text.Json;
using RlAlign.Policies.Language;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

/// <summary>
/// Checks the forward pass against Data/make_gpt2_reference.py: an independent numpy GPT-2 (float64) run on a tiny
/// random model that the script stored in Hugging Face's folder format (bare GPT2Model names, attention buffers, BF16
/// and F16 tensors).
/// </summary>
public sealed class Gpt2ReferenceTests
{
    [TestCase("unpadded")]
    [TestCase("left_padded")]
    public void LoadedModelReproducesTheNumpyLogits(string caseName)
    {
        using var scope = NewDisposeScope();
        using var model = Gpt2LMHeadModel.FromPretrained(TestData.Path("gpt2-reference"));
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(TestData.Path("gpt2-reference", "reference.json")));
        JsonElement testCase = reference.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == caseName);
        Tensor ids = TestModels.Ids(Rows(testCase.GetProperty("input_ids")));
        JsonElement maskElement = testCase.GetProperty("attention_mask");
        Tensor? mask = maskElement.ValueKind == JsonValueKind.Null ? null : TestModels.Ids(Rows(maskElement));
        double[][][] expected = testCase.GetProperty("logits").Deserialize<double[][][]>()!;

        float[] actual = model.Forward(ids, mask).data<float>().ToArray();

        int vocab = model.Config.VocabSize, length = expected[0].Length;
        double worst = 0;
        int compared = 0;
        for (int row = 0; row < expected.Length; row++)
        {
            for (int position = 0; position < length; position++)
            {
                if (mask is not null && mask[row, position].item<long>() == 0) continue;
                for (int token = 0; token < vocab; token++)
                {
                    worst = Math.Max(worst, Math.Abs(actual[(row * length + position) * vocab + token] - expected[row][position][token]));
                    compared++;
                }
            }
        }
        TestContext.Out.WriteLine($"{caseName}: {compared} logits, largest difference {worst:E2}");
        Assert.That(compared, Is.GreaterThanOrEqualTo(2 * 5 * vocab));
        Assert.That(worst, Is.LessThan(1e-5));
    }

    [Test]
    public void ConfigFromTheReferenceFolderIsRead()
    {
        Gpt2Config config = Gpt2Config.Load(TestData.Path("gpt2-reference", "config.json"));
        Assert.That((config.VocabSize, config.NPositions, config.NEmbd, config.NLayer, config.NHead, config.InnerSize), Is.EqualTo((50, 16, 16, 2, 2, 64)));
        Assert.That(config.ExtraFields!.ContainsKey("attn_pdrop"), Is.True);
    }

    private static long[][] Rows(JsonElement element) => element.Deserialize<long[][]>()!;
}
