using RlAlign.Core.Spaces;
using TorchSharp;
using Conv2d = TorchSharp.Modules.Conv2d;
using Sequential = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;

namespace RlAlign.Policies;

/// <summary>
/// The convolutional trunk that MiniGrid and BabyAI baselines put over the agent's egocentric view
/// (rl-starter-files' <c>image_conv</c>): conv 2×2 → 16, ReLU, max-pool 2×2, conv 2×2 → 32, ReLU,
/// conv 2×2 → 64, ReLU, flattened. A 7×7 view gives 64 features. The image is read out of each flat
/// observation row: a rank-3 Box observation is the image itself, a Dict observation contributes its
/// <c>image</c> entry (MiniGrid's <c>direction</c> and <c>mission</c> are ignored, as in those baselines).
/// </summary>
public sealed class MiniGridImageEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _layers;
    private readonly int _offset;
    private readonly int _width;
    private readonly int _height;
    private readonly int _channels;

    public MiniGridImageEncoder(Space observationSpace, Generator? generator = null) : base(nameof(MiniGridImageEncoder))
    {
        (_offset, Box image) = FindImage(observationSpace);
        (_width, _height, _channels) = (image.Shape[0], image.Shape[1], image.Shape[2]);
        // Each 2×2 convolution trims one cell; the pooling halves (floor) what the first one left.
        int pooledWidth = (_width - 1) / 2 - 2, pooledHeight = (_height - 1) / 2 - 2;
        if (pooledWidth < 1 || pooledHeight < 1)
            throw new ArgumentException(
                $"The MiniGrid CNN needs an image of at least 7×7 cells (two 2×2 convolutions after a 2×2 pooling); the observation's image is {_width}×{_height}.");
        OutputSize = pooledWidth * pooledHeight * 64;
        NnpackSwitch.Disable();

        _layers = nn.Sequential(
            Convolution(_channels, 16, generator), nn.ReLU(),
            nn.MaxPool2d(2),
            Convolution(16, 32, generator), nn.ReLU(),
            Convolution(32, 64, generator), nn.ReLU(),
            nn.Flatten());
        RegisterComponents();
    }

    /// <summary>Features per observation row.</summary>
    public int OutputSize { get; }

    /// <summary>[batch, observation size] flat rows → [batch, <see cref="OutputSize"/>] features.</summary>
    public override Tensor forward(Tensor observations)
    {
        Tensor image = observations.narrow(1, _offset, _width * _height * _channels)
            .reshape(-1, _width, _height, _channels)
            .permute(0, 3, 1, 2);
        return _layers.forward(image);
    }

    private static (int Offset, Box Image) FindImage(Space observationSpace) => observationSpace switch
    {
        Box { Shape.Count: 3 } box => (0, box),
        DictSpace dict when dict.Spaces.FirstOrDefault(entry => entry.Key == "image").Value is Box { Shape.Count: 3 } box
            => (dict.OffsetOf("image"), box),
        _ => throw new ArgumentException(
            $"The MiniGrid CNN reads a [width, height, channels] image: a rank-3 Box observation or a Dict with an 'image' entry; got {observationSpace}."),
    };

    // Orthogonal √2 with zero bias, as the hidden layers (implementation detail 2 applied to convolutions, as in CleanRL's Atari network).
    private static Conv2d Convolution(int inputs, int outputs, Generator? generator)
    {
        Conv2d convolution = nn.Conv2d(inputs, outputs, kernel_size: 2);
        OrthogonalInit.Apply(convolution.weight!, Math.Sqrt(2), generator);
        using (no_grad()) convolution.bias!.zero_();
        return convolution;
    }
}
