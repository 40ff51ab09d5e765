using RlAlign.Core;
using RlAlign.Core.Spaces;
using RlAlign.Core.Wrappers;
using BoxSpace = RlAlign.Core.Spaces.Box;

namespace RlAlign.Envs.MiniGrid.Wrappers;

/// <summary>Minigrid's <c>ImgObsWrapper</c>: the observation is the image alone, without direction or mission.</summary>
public sealed class ImgObsWrapper : ObservationWrapper
{
    private readonly int _imageOffset;
    private readonly BoxSpace _image;

    public ImgObsWrapper(IEnv env) : base(env)
        => (_imageOffset, _image) = MiniGridObservation.Image(MiniGridObservation.Dict(env, nameof(ImgObsWrapper)), nameof(ImgObsWrapper));

    public override Space ObservationSpace => _image;

    protected override void Observation(ReadOnlySpan<float> observation, Span<float> destination)
        => observation.Slice(_imageOffset, _image.FlatSize).CopyTo(destination);
}
