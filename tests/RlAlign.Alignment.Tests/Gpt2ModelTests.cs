using System.Text.Json.Nodes;
using RlAlign.Policies.Language;
using RlAlign.Policies.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

public sealed class Gpt2ModelTests
{
    [Test]
    public void ParameterNamesAndShapesAreHuggingFaces()
    {
        using var model = TestModels.Tiny();
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes["transformer.wte.weight"], Is.EqualTo(new long[] { 40, 16 }));
        Assert.That(shapes["transformer.wpe.weight"], Is.EqualTo(new long[] { 32, 16 }));
        Assert.That(shapes["transformer.h.1.attn.c_attn.weight"], Is.EqualTo(new long[] { 16, 48 }), "Conv1D layout [in, out]");
        Assert.That(shapes["transformer.h.1.mlp.c_fc.weight"], Is.EqualTo(new long[] { 16, 64 }));
        Assert.That(shapes["transformer.h.1.mlp.c_proj.weight"], Is.EqualTo(new long[] { 64, 16 }));
        Assert.That(shapes["transformer.ln_f.bias"], Is.EqualTo(new long[] { 16 }));
        Assert.That(shapes.Keys, Has.None.Contains("lm_head"), "the head is tied to wte");
        // 2 embeddings + 12 tensors per block + ln_f.
        Assert.That(shapes, Has.Count.EqualTo(2 + 2 * 12 + 2));
    }

    [Test]
    public void LmBenchTinyConfigHasTheSpecifiedParameterCount()
    {
        // shared/specs/LM_BENCH.md: vocab 50257, 2 layers, 4 heads, width 128, context 256 -> 6.86 M parameters.
        using var model = Gpt2LMHeadModel.Create(new Gpt2Config { NLayer = 2, NHead = 4, NEmbd = 128, NPositions = 256 });
        long count = model.parameters().Sum(p => p.numel());
        Assert.That(count / 1e6, Is.EqualTo(6.86).Within(0.005));
    }

    [Test]
    public void InitialisationFollowsHuggingFace()
    {
        var config = new Gpt2Config { VocabSize = 500, NPositions = 64, NEmbd = 64, NLayer = 8, NHead = 4 };
        using var model = Gpt2LMHeadModel.Create(config, new Generator(3));
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.That(parameters["transformer.wte.weight"].std().item<float>(), Is.EqualTo(0.02).Within(0.001));
        Assert.That(parameters["transformer.h.0.mlp.c_fc.weight"].std().item<float>(), Is.EqualTo(0.02).Within(0.001));
        Assert.That(parameters["transformer.h.0.mlp.c_proj.weight"].std().item<float>(), Is.EqualTo(0.02 / Math.Sqrt(16)).Within(0.0003));
        Assert.That(parameters["transformer.h.3.attn.c_attn.bias"].abs().max().item<float>(), Is.Zero);
        Assert.That(parameters["transformer.h.3.ln_2.weight"].eq(1).all().item<bool>(), Is.True);

        using var again = Gpt2LMHeadModel.Create(config, new Generator(3));
        Assert.That(again.TokenEmbedding.equal(model.TokenEmbedding).all().item<bool>(), Is.True, "the same seed gives the same weights");
    }

    [Test]
    public void SavedAndReloadedModelGivesIdenticalLogits()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        using var model = TestModels.Tiny(seed: 5);
        Tensor ids = TestModels.Ids([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);

        model.SavePretrained(folder.Path);
        using var loaded = Gpt2LMHeadModel.FromPretrained(folder.Path);

        Assert.That(loaded.Config, Is.EqualTo(model.Config));
        Assert.That(loaded.Forward(ids).equal(model.Forward(ids)).all().item<bool>(), Is.True, "bitwise equal logits");
        using SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(folder.Path, "model.safetensors"));
        Assert.That(file.Contains("transformer.h.0.attn.c_attn.weight") && !file.Contains("lm_head.weight"), Is.True);
        Assert.That(Directory.GetFileSystemEntries(Path.GetDirectoryName(folder.Path)!, Path.GetFileName(folder.Path) + ".*.tmp"), Is.Empty, "no staging folder left behind");
    }

    [Test]
    public void SavingOverAnExistingFolderReplacesTheModelAndKeepsOtherFiles()
    {
        using var folder = new TempFolder();
        using var first = TestModels.Tiny(seed: 1);
        using var second = TestModels.Tiny(seed: 2);
        first.SavePretrained(folder.Path);
        File.WriteAllText(folder.File("tokenizer_config.json"), "{}");

        second.SavePretrained(folder.Path);

        using var loaded = Gpt2LMHeadModel.FromPretrained(folder.Path);
        Assert.That(loaded.TokenEmbedding.equal(second.TokenEmbedding).all().item<bool>(), Is.True);
        Assert.That(File.Exists(folder.File("tokenizer_config.json")), Is.True);
        Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "config.json", "model.safetensors", "tokenizer_config.json" }));
    }

    [Test]
    public void LeftPaddedBatchGivesTheUnpaddedLogitsAtRealPositions()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 2);
        long[] shortRow = [5, 6, 7], longRow = [9, 1, 2, 3, 4, 8, 7];
        Tensor ids = TestModels.Ids([[0, 0, 0, 0, .. shortRow], longRow]);
        Tensor mask = TestModels.Ids([[0, 0, 0, 0, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]]);

        Tensor batched = model.Forward(ids, mask);
        Tensor alone = model.Forward(TestModels.Ids([shortRow]));
        Tensor longAlone = model.Forward(TestModels.Ids([longRow]));

        Assert.That(batched.isfinite().all().item<bool>(), Is.True, "padded positions stay finite");
        Assert.That(batched[0].narrow(0, 4, 3).allclose(alone[0], rtol: 0, atol: 1e-5), Is.True);
        Assert.That(batched[1].allclose(longAlone[0], rtol: 0, atol: 1e-5), Is.True);
    }

    [Test]
    public void RightPaddingDoesNotChangeRealPositions()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 4);
        Tensor padded = model.Forward(TestModels.Ids([[3, 4, 5, 0, 0]]), TestModels.Ids([[1, 1, 1, 0, 0]]));
        Tensor alone = model.Forward(TestModels.Ids([[3, 4, 5]]));
        Assert.That(padded[0].narrow(0, 0, 3).allclose(alone[0], rtol: 0, atol: 1e-5), Is.True);
    }

    [Test]
    public void TokenLogProbsMatchLogSoftmaxOfTheLogits()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 6);
        Tensor ids = TestModels.Ids([[1, 5, 9, 13], [2, 6, 10, 14]]);
        Tensor logits = model.Forward(ids);
        Tensor perToken = model.TokenLogProbs(ids);
        Tensor expected = logits.log_softmax(-1).narrow(1, 0, 3).gather(2, ids.narrow(1, 1, 3).unsqueeze(-1)).squeeze(-1);
        Assert.That(perToken.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(perToken.allclose(expected, rtol: 0, atol: 1e-5), Is.True);

        Tensor completion = TestModels.Ids([[0, 0, 1, 1], [0, 1, 1, 0]]);
        Tensor sums = SequenceLogProbs.Sum(logits, ids, completion);
        Assert.That(sums[0].item<float>(), Is.EqualTo(expected[0, 1].item<float>() + expected[0, 2].item<float>()).Within(1e-5));
        Assert.That(sums[1].item<float>(), Is.EqualTo(expected[1, 0].item<float>() + expected[1, 1].item<float>()).Within(1e-5));
    }

    [Test]
    public void CompletionWindowSumsAndGradientsEqualTheFullForward()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 7);
        // Right-padded rows with prompts of different lengths; the mask's first column is 1 in row 2 and must not count.
        Tensor ids = TestModels.Ids([[1, 5, 9, 13, 2, 0], [2, 6, 10, 14, 3, 4], [7, 8, 9, 0, 0, 0]]);
        Tensor attention = TestModels.Ids([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]]);
        Tensor completion = TestModels.Ids([[0, 0, 0, 1, 1, 0], [0, 0, 1, 1, 1, 1], [1, 0, 1, 0, 0, 0]]);

        Tensor full = SequenceLogProbs.Sum(model.Forward(ids, attention), ids, completion);
        var fullGradients = Gradients(model, () => full.sum());
        Tensor windowed = SequenceLogProbs.Sum(model, ids, attention, completion);
        var windowGradients = Gradients(model, () => windowed.sum());

        Assert.That(windowed.allclose(full, rtol: 0, atol: 1e-5), Is.True);
        foreach (var (name, gradient) in fullGradients)
            Assert.That(windowGradients[name].allclose(gradient, rtol: 1e-4, atol: 1e-6), Is.True, name);

        using SequenceLogProbs.Scored scored = SequenceLogProbs.Window(model, ids, attention, completion, predictions: true);
        Assert.That(scored.LogProbs.shape, Is.EqualTo(new long[] { 3, 4 }), "columns 2..5 hold every scored target");
        // The fused head's by-products: the most likely token and the logit sum at each scored position (columns 1..4 predict 2..5).
        Tensor logits;
        using (no_grad()) logits = model.Forward(ids, attention).narrow(1, 1, 4);
        Assert.That(scored.Predicted!.eq(logits.argmax(2)).all().item<bool>(), Is.True);
        Assert.That(scored.LogitSums.allclose(logits.sum(2), rtol: 1e-5, atol: 1e-4), Is.True);
        Assert.That(SequenceLogProbs.Window(model, ids, attention, zeros_like(completion)).LogProbs.shape[1], Is.EqualTo(0));
    }

    [Test]
    public void Bf16MatmulsStayCloseToFloat32AndKeepFloat32Gradients()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 7);
        Tensor ids = TestModels.Ids([[1, 5, 9, 13, 2, 0], [2, 6, 10, 14, 3, 4]]);
        Tensor completion = TestModels.Ids([[0, 0, 0, 1, 1, 0], [0, 0, 1, 1, 1, 1]]);
        Tensor exact = SequenceLogProbs.Sum(model, ids, null, completion);
        var exactGradients = Gradients(model, () => exact.sum());

        model.Bf16Matmuls = true;
        Tensor rounded = SequenceLogProbs.Sum(model, ids, null, completion);
        var roundedGradients = Gradients(model, () => rounded.sum());
        Tensor roundedLogits = model.Forward(ids);
        model.Bf16Matmuls = false;

        // bfloat16 keeps 8 bits of mantissa: close to float32, but not equal (so the switch does take effect).
        Assert.That(rounded.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(rounded.allclose(exact, rtol: 0.02, atol: 0.02), Is.True);
        Assert.That(rounded.eq(exact).all().item<bool>(), Is.False);
        Assert.That(roundedLogits.allclose(model.Forward(ids), rtol: 0.02, atol: 0.02), Is.True);
        foreach (var (name, gradient) in exactGradients)
        {
            Tensor other = roundedGradients[name];
            Assert.That(other.dtype, Is.EqualTo(ScalarType.Float32), name);
            double cosine = (other * gradient).sum().item<float>() / (other.norm().item<float>() * gradient.norm().item<float>() + 1e-12);
            Assert.That(cosine, Is.GreaterThan(0.99), name);
        }
        Assert.That(model.parameters().All(p => p.dtype == ScalarType.Float32), Is.True);
    }

    private static Dictionary<string, Tensor> Gradients(Gpt2LMHeadModel model, Func<Tensor> loss)
    {
        model.zero_grad();
        loss().backward();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }

    [Test]
    public void GradientsFlowToEveryParameter()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny(seed: 8);
        Tensor ids = TestModels.Ids([[1, 2, 3, 4], [5, 6, 7, 8]]);
        model.TokenLogProbs(ids, TestModels.Ids([[0, 1, 1, 1], [1, 1, 1, 1]])).sum().backward();
        foreach (var (name, parameter) in model.named_parameters())
            Assert.That(parameter.grad is { } grad && grad.abs().sum().item<float>() > 0, Is.True, name);
    }

    [Test]
    public void SequencesLongerThanThePositionEmbeddingNameBothLengths()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny();
        Tensor ids = zeros(1, 33, ScalarType.Int64);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(ids))!;
        Assert.That(error.Message, Does.Contain("33").And.Contain("n_positions 32"));
    }

    [Test]
    public void TokenIdsOutsideTheVocabularyAreNamed()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Tiny();
        var error = Assert.Throws<ArgumentException>(() => model.Forward(TestModels.Ids([[1, 40]])))!;
        Assert.That(error.Message, Does.Contain("Token id 40").And.Contain("[0, 40)"));
    }

    [Test]
    public void ConfigThatDisagreesWithTheWeightsNamesTheTensorAndBothShapes()
    {
        using var folder = new TempFolder();
        using var model = TestModels.Tiny();
        model.SavePretrained(folder.Path);
        EditConfig(folder, config => config["n_embd"] = 32);

        var error = Assert.Throws<ModelLoadException>(() => Gpt2LMHeadModel.FromPretrained(folder.Path))!;
        Assert.That(error.Message, Does.Contain("'transformer.wte.weight' has shape [40, 16]").And.Contain("needs [40, 32]").And.Contain("n_embd 32"));
    }

    [Test]
    public void MissingTensorIsNamed()
    {
        using var folder = new TempFolder();
        using var model = TestModels.Tiny();
        model.SavePretrained(folder.Path);
        EditConfig(folder, config => config["n_layer"] = 3);

        var error = Assert.Throws<ModelLoadException>(() => Gpt2LMHeadModel.FromPretrained(folder.Path))!;
        Assert.That(error.Message, Does.Contain("no tensor 'transformer.h.2.ln_1.weight' (nor 'h.2.ln_1.weight')"));
    }

    [Test]
    public void ExtraTensorsAreNamed()
    {
        using var folder = new TempFolder();
        using var model = TestModels.Tiny();
        model.SavePretrained(folder.Path);
        EditConfig(folder, config => config["n_layer"] = 1);

        var error = Assert.Throws<ModelLoadException>(() => Gpt2LMHeadModel.FromPretrained(folder.Path))!;
        Assert.That(error.Message, Does.Contain("'transformer.h.1.ln_1.weight'").And.Contain("n_layer 1"));
    }

    [Test]
    public void WeightsFileThatIsNotSafetensorsIsReported()
    {
        using var folder = new TempFolder();
        using var model = TestModels.Tiny();
        model.SavePretrained(folder.Path);
        File.WriteAllText(folder.File("model.safetensors"), "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n");
        var error = Assert.Throws<SafeTensorsFormatException>(() => Gpt2LMHeadModel.FromPretrained(folder.Path))!;
        Assert.That(error.Message, Does.Contain("model.safetensors").And.Contain("not a valid safetensors file"));
    }

    [Test]
    public void FolderWithoutWeightsOrConfigSaysWhatIsMissing()
    {
        using var folder = new TempFolder();
        Assert.That(Assert.Throws<FileNotFoundException>(() => Gpt2LMHeadModel.FromPretrained(folder.Path))!.Message, Does.Contain("has no config.json"));
        File.WriteAllText(folder.File("config.json"), TestModels.TinyConfig.ToJson());
        File.WriteAllText(folder.File("pytorch_model.bin"), "");
        Assert.That(Assert.Throws<FileNotFoundException>(() => Gpt2LMHeadModel.FromPretrained(folder.Path))!.Message,
            Does.Contain("has no model.safetensors").And.Contain("pytorch_model.bin"));
    }

    [Test]
    public void ConfigJsonKeepsFieldsItDoesNotUse()
    {
        const string json = """{"model_type": "gpt2", "vocab_size": 10, "n_positions": 8, "n_embd": 4, "n_layer": 1, "n_head": 2, "resid_pdrop": 0.1, "task_specific_params": {"text-generation": {"max_length": 50}}}""";
        Gpt2Config config = Gpt2Config.FromJson(json);
        Assert.That(config.VocabSize, Is.EqualTo(10));
        Assert.That(config.ActivationFunction, Is.EqualTo("gelu_new"), "HF default");
        JsonNode written = JsonNode.Parse(config.ToJson())!;
        Assert.That(written["resid_pdrop"]!.GetValue<double>(), Is.EqualTo(0.1));
        Assert.That(written["task_specific_params"]!["text-generation"]!["max_length"]!.GetValue<int>(), Is.EqualTo(50));
        Assert.That(written["n_embd"]!.GetValue<int>(), Is.EqualTo(4));
    }

    [TestCase("""{"model_type": "llama"}""", "model_type is 'llama'")]
    [TestCase("""{"n_embd": 10, "n_head": 4}""", "n_embd (10) must be divisible by n_head (4)")]
    [TestCase("""{"activation_function": "swish"}""", "activation_function 'swish' is not supported")]
    [TestCase("""{"eos_token_id": -2}""", "eos_token_id must be >= 0, got -2")]
    [TestCase("""{"n_layer": "twelve"}""", "$.n_layer")]
    public void InvalidConfigsAreExplained(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Gpt2Config.FromJson(json, "my/config.json"))!;
        Assert.That(error.Message, Does.StartWith("my/config.json: ").And.Contain(expected));
    }

    private static void EditConfig(TempFolder folder, Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(folder.File("config.json")))!.AsObject();
        edit(config);
        File.WriteAllText(folder.File("config.json"), config.ToJsonString());
    }
}
