using RlAlign.Core.Spaces;

namespace RlAlign.Core.Wrappers;

/// <summary>
/// Gymnasium's <c>FlattenObservation</c>: each observation becomes <see cref="Space.Flatten"/> of it
/// (one-hot for discrete parts), and the observation space a float32 <see cref="Box"/> of
/// <see cref="Space.FlatDim"/> elements with the bounds Gymnasium's <c>flatten_space</c> gives.
/// </summary>
public sealed class FlattenObservation : ObservationWrapper
{
    private readonly Space _innerSpace;

    public FlattenObservation(IEnv env) : base(env)
    {
        _innerSpace = env.ObservationSpace;
        ObservationSpace = FlattenSpace(_innerSpace);
    }

    public override Space ObservationSpace { get; }

    /// <summary>Gymnasium's <c>flatten_space</c>: the Box that holds <see cref="Space.Flatten"/> of every value of <paramref name="space"/>.</summary>
    public static Box FlattenSpace(Space space)
    {
        var low = new float[space.FlatDim];
        var high = new float[space.FlatDim];
        WriteFlatBounds(space, low, high);
        return new Box(low, high);
    }

    protected override void Observation(ReadOnlySpan<float> observation, Span<float> destination) => _innerSpace.Flatten(observation, destination);

    private static void WriteFlatBounds(Space space, Span<float> low, Span<float> high)
    {
        switch (space)
        {
            case Box box:
                box.Low.CopyTo(low);
                box.High.CopyTo(high);
                break;
            case Discrete or MultiDiscrete:
                low[..space.FlatDim].Clear();
                high[..space.FlatDim].Fill(1f);
                break;
            case Text text:
                // Flattened text holds charset indices, with charset.Length as padding.
                low[..text.FlatDim].Clear();
                high[..text.FlatDim].Fill(text.Charset.Length);
                break;
            case DictSpace dict:
                int offset = 0;
                foreach ((string _, Space part) in dict.Spaces)
                {
                    WriteFlatBounds(part, low[offset..], high[offset..]);
                    offset += part.FlatDim;
                }
                break;
            default:
                // A space this file does not know: its flattened values are unbounded as far as we can tell.
                low[..space.FlatDim].Fill(float.NegativeInfinity);
                high[..space.FlatDim].Fill(float.PositiveInfinity);
                break;
        }
    }
}
