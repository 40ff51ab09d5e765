using RlAlign.Core.Spaces;
using RlAlign.Policies;
using static TorchSharp.torch;

namespace RlAlign.Algorithms.Tests;

/// <summary>The MiniGrid CNN actor-critic: where it reads the image, what it is built of, and what it rejects.</summary>
public sealed class MiniGridCnnTests
{
    // MiniGrid's observation: Dict(direction, image 7×7×3, mission) flattened with its keys sorted, so the image starts at float 1.
    private static readonly DictSpace MiniGridObservations = new(
        ("image", new Box(0f, 255f, [7, 7, 3])), ("direction", new Discrete(4)), ("mission", new Text(16)));

    private static readonly ActorCriticOptions Cnn = new() { Encoder = ObservationEncoder.MinigridCnn, HiddenSizes = [64] };

    [Test]
    public void HasTheThreeConvolutionsSharedByTheActorAndCriticHeads()
    {
        using ActorCritic policy = ActorCritic.Create(MiniGridObservations, new Discrete(7), Cnn);
        var shapes = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.That(shapes["image_conv._layers.0.weight"], Is.EqualTo(new long[] { 16, 3, 2, 2 }));
        Assert.That(shapes["image_conv._layers.3.weight"], Is.EqualTo(new long[] { 32, 16, 2, 2 }));
        Assert.That(shapes["image_conv._layers.5.weight"], Is.EqualTo(new long[] { 64, 32, 2, 2 }));
        Assert.That(shapes["actor.0.weight"], Is.EqualTo(new long[] { 64, 64 }), "a 7×7 view gives 64 features");
        Assert.That(shapes["critic.0.weight"], Is.EqualTo(new long[] { 64, 64 }));
        Assert.That(shapes["actor.2.weight"], Is.EqualTo(new long[] { 7, 64 }));
    }

    [Test]
    public void ReadsOnlyTheImageEntryOfADictObservation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        using ActorCritic policy = ActorCritic.Create(MiniGridObservations, new Discrete(7), Cnn, generator);
        Tensor observation = randint(0, 10, [1, MiniGridObservations.FlatSize], generator: generator).to(ScalarType.Float32);
        int imageOffset = MiniGridObservations.OffsetOf("image");
        Assert.That(imageOffset, Is.EqualTo(1));

        Tensor otherDirectionAndMission = observation.clone();
        otherDirectionAndMission[0, 0] = tensor(3f);
        otherDirectionAndMission[0, MiniGridObservations.OffsetOf("mission")] = tensor(42f);
        Tensor otherImage = observation.clone();
        otherImage[0, imageOffset + 5] = otherImage[0, imageOffset + 5] + 4f;

        Assert.That(policy.GetValue(otherDirectionAndMission).item<float>(), Is.EqualTo(policy.GetValue(observation).item<float>()));
        Assert.That(policy.GetValue(otherImage).item<float>(), Is.Not.EqualTo(policy.GetValue(observation).item<float>()));
    }

    [Test]
    public void SeesTheImageAsAGridOfCellsWithChannelsLast()
    {
        // The flat image is [x, y, channel] (Minigrid's grid.encode()). Changing one cell must change
        // only the first convolution's outputs whose 2×2 window covers that cell: at most 4 of the 36.
        using var scope = NewDisposeScope();
        var encoder = new MiniGridImageEncoder(new Box(0f, 255f, [7, 7, 3]), new Generator(5));
        var firstConvolution = (TorchSharp.Modules.Conv2d)encoder.named_modules().Single(m => m.name == "_layers.0").module;
        Tensor image = zeros(1, 147);
        Tensor changed = image.clone();
        int x = 3, y = 4;
        for (int channel = 0; channel < 3; channel++) changed[0, (x * 7 + y) * 3 + channel] = tensor(5f);

        Tensor Convolve(Tensor flat) => firstConvolution.forward(flat.reshape(1, 7, 7, 3).permute(0, 3, 1, 2));
        Tensor difference = (Convolve(changed) - Convolve(image)).abs().sum(1).squeeze(0); // [6, 6]
        var touched = new List<(int, int)>();
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                if (difference[i, j].item<float>() > 0) touched.Add((i, j));

        Assert.That(touched, Is.EquivalentTo(new[] { (2, 3), (2, 4), (3, 3), (3, 4) }));
        Assert.That(encoder.forward(changed).shape, Is.EqualTo(new long[] { 1, 64 }));
    }

    [Test]
    public void InitialisesConvolutionsOrthogonallyWithZeroBiasesReproducibly()
    {
        using ActorCritic first = ActorCritic.Create(MiniGridObservations, new Discrete(7), Cnn, new Generator(11));
        using ActorCritic second = ActorCritic.Create(MiniGridObservations, new Discrete(7), Cnn, new Generator(11));
        var a = first.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var b = second.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        foreach (string name in a.Keys)
            Assert.That(a[name].allclose(b[name], rtol: 0, atol: 0), Is.True, name);
        Tensor weight = a["image_conv._layers.3.weight"].reshape(32, -1);
        Tensor gram = weight.matmul(weight.t()); // rows orthogonal with norm √2
        Assert.That(gram.allclose(eye(32) * 2, rtol: 0, atol: 1e-4), Is.True);
        Assert.That(a["image_conv._layers.3.bias"].abs().sum().item<float>(), Is.Zero);
    }

    [Test]
    public void RejectsViewsTooSmallAndObservationsWithoutAnImage()
    {
        Assert.That(() => ActorCritic.Create(new Box(0f, 255f, [5, 5, 3]), new Discrete(7), Cnn),
            Throws.ArgumentException.With.Message.Contains("at least 7×7").And.Message.Contains("5×5"));
        Assert.That(() => ActorCritic.Create(new Box(-1f, 1f, [4]), new Discrete(2), Cnn),
            Throws.ArgumentException.With.Message.Contains("'image' entry"));
    }
}
