using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>
/// The attention keys and values of every layer for the tokens seen so far, so that generation feeds each new
/// token through the model once. Buffers of [batch, n_head, capacity, head size] are allocated up front and
/// filled in place; <see cref="Length"/> tokens of them are valid. Only for inference (under <c>no_grad</c>).
/// </summary>
public sealed class KeyValueCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KeyValueCache(Gpt2Config config, long batchSize, long capacity, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be > 0.");
        if (capacity <= 0 || capacity > config.NPositions)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The cache capacity must be in [1, n_positions = {config.NPositions}].");
        BatchSize = batchSize;
        Capacity = capacity;
        _keys = new Tensor[config.NLayer];
        _values = new Tensor[config.NLayer];
        for (int layer = 0; layer < config.NLayer; layer++)
        {
            _keys[layer] = zeros([batchSize, config.NHead, capacity, config.HeadSize], dtype, device).DetachFromDisposeScope();
            _values[layer] = zeros([batchSize, config.NHead, capacity, config.HeadSize], dtype, device).DetachFromDisposeScope();
        }
    }

    public long BatchSize { get; }

    public long Capacity { get; }

    /// <summary>How many positions hold keys and values.</summary>
    public long Length { get; private set; }

    /// <summary>Stores <paramref name="keys"/> and <paramref name="values"/> ([batch, heads, new tokens, head size]) after the valid positions and returns views of all valid ones, the new included.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long added = keys.shape[2];
        if (keys.shape[0] != BatchSize) throw new ArgumentException($"The cache holds a batch of {BatchSize} sequences, but the input has {keys.shape[0]}.");
        if (Length + added > Capacity) throw new InvalidOperationException($"The cache holds {Capacity} positions; {Length} are used and {added} more do not fit.");
        _keys[layer].narrow(2, Length, added).copy_(keys);
        _values[layer].narrow(2, Length, added).copy_(values);
        return (_keys[layer].narrow(2, 0, Length + added), _values[layer].narrow(2, 0, Length + added));
    }

    /// <summary>Marks <paramref name="tokens"/> more positions valid, once every layer has appended them.</summary>
    internal void Advance(long tokens) => Length += tokens;

    public void Dispose()
    {
        foreach (Tensor tensor in _keys.Concat(_values)) tensor.Dispose();
    }
}
