namespace RlAlign.Core;

/// <summary>
/// Running mean and (population) variance of a stream of vectors, as Gymnasium's <c>RunningMeanStd</c>:
/// batches are merged with the parallel (Chan et al.) update, and the count starts at a small
/// <c>epsilon</c> with mean 0 and variance 1, so the first normalizations are tame.
/// Arithmetic follows NumPy's order of operations, so single-sample updates match Gymnasium bit for bit.
/// </summary>
public sealed class RunningMeanStd : IStateful
{
    private readonly double[] _mean;
    private readonly double[] _var;
    private double[]? _batchMean;
    private double[]? _batchVar;

    /// <param name="size">Elements per sample (1 for a scalar such as a return).</param>
    /// <param name="epsilon">The initial count (Gymnasium: 1e-4).</param>
    public RunningMeanStd(int size = 1, double epsilon = 1e-4)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "RunningMeanStd needs size > 0.");
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "RunningMeanStd needs a finite initial count epsilon > 0.");
        _mean = new double[size];
        _var = new double[size];
        Array.Fill(_var, 1.0);
        Count = epsilon;
    }

    public int Size => _mean.Length;
    public ReadOnlySpan<double> Mean => _mean;
    public ReadOnlySpan<double> Var => _var;
    public double Count { get; private set; }

    /// <summary>Adds one sample of <see cref="Size"/> values.</summary>
    public void Update(ReadOnlySpan<float> sample)
    {
        EnsureLength(sample.Length, nameof(sample));
        double count = Count, total = count + 1;
        for (int i = 0; i < _mean.Length; i++) Merge(i, sample[i], 0.0, 1, count, total);
        Count = total;
    }

    /// <summary>Adds one scalar sample (<see cref="Size"/> must be 1).</summary>
    public void Update(double sample)
    {
        EnsureLength(1, nameof(sample));
        double count = Count, total = count + 1;
        Merge(0, sample, 0.0, 1, count, total);
        Count = total;
    }

    /// <summary>Adds a batch of samples stored back to back (<c>samples.Length</c> a multiple of <see cref="Size"/>).</summary>
    public void UpdateBatch(ReadOnlySpan<float> samples)
    {
        if (samples.Length == 0 || samples.Length % Size != 0)
            throw new ArgumentException($"RunningMeanStd of size {Size} cannot take a batch of {samples.Length} values (need a positive multiple of {Size}).", nameof(samples));
        int batchCount = samples.Length / Size;
        double[] batchMean = _batchMean ??= new double[Size];
        double[] batchVar = _batchVar ??= new double[Size];
        Array.Clear(batchMean);
        Array.Clear(batchVar);
        for (int row = 0; row < batchCount; row++)
            for (int i = 0; i < Size; i++) batchMean[i] += samples[row * Size + i];
        for (int i = 0; i < Size; i++) batchMean[i] /= batchCount;
        for (int row = 0; row < batchCount; row++)
            for (int i = 0; i < Size; i++)
            {
                double deviation = samples[row * Size + i] - batchMean[i];
                batchVar[i] += deviation * deviation;
            }
        for (int i = 0; i < Size; i++) batchVar[i] /= batchCount;
        UpdateFromMoments(batchMean, batchVar, batchCount);
    }

    /// <summary>Merges a batch summarized by its mean, population variance and count.</summary>
    public void UpdateFromMoments(ReadOnlySpan<double> batchMean, ReadOnlySpan<double> batchVar, double batchCount)
    {
        EnsureLength(batchMean.Length, nameof(batchMean));
        EnsureLength(batchVar.Length, nameof(batchVar));
        if (!(batchCount > 0)) throw new ArgumentOutOfRangeException(nameof(batchCount), batchCount, "A batch needs a positive count.");
        double count = Count, total = count + batchCount;
        for (int i = 0; i < _mean.Length; i++) Merge(i, batchMean[i], batchVar[i], batchCount, count, total);
        Count = total;
    }

    /// <summary>Writes <c>(value - mean) / sqrt(var + epsilon)</c>, computed in double as Gymnasium does, then rounded to float.</summary>
    public void Normalize(ReadOnlySpan<float> value, Span<float> destination, double epsilon)
    {
        EnsureLength(value.Length, nameof(value));
        for (int i = 0; i < _mean.Length; i++) destination[i] = (float)((value[i] - _mean[i]) / Math.Sqrt(_var[i] + epsilon));
    }

    /// <summary>The standard deviation <c>sqrt(var + epsilon)</c> of element <paramref name="index"/>.</summary>
    public double Std(int index, double epsilon) => Math.Sqrt(_var[index] + epsilon);

    public void SaveState(BinaryWriter writer)
    {
        writer.Write(Size);
        writer.Write(Count);
        for (int i = 0; i < Size; i++)
        {
            writer.Write(_mean[i]);
            writer.Write(_var[i]);
        }
    }

    public void LoadState(BinaryReader reader)
    {
        int size = reader.ReadInt32();
        if (size != Size) throw new InvalidDataException($"The saved RunningMeanStd has size {size}, this one {Size}.");
        Count = reader.ReadDouble();
        for (int i = 0; i < Size; i++)
        {
            _mean[i] = reader.ReadDouble();
            _var[i] = reader.ReadDouble();
        }
    }

    // Gymnasium's update_mean_var_count_from_moments, term for term.
    private void Merge(int i, double batchMean, double batchVar, double batchCount, double count, double total)
    {
        double delta = batchMean - _mean[i];
        _mean[i] = _mean[i] + delta * batchCount / total;
        double m2 = _var[i] * count + batchVar * batchCount + delta * delta * count * batchCount / total;
        _var[i] = m2 / total;
    }

    private void EnsureLength(int length, string parameter)
    {
        if (length != Size) throw new ArgumentException($"RunningMeanStd of size {Size} got {length} values.", parameter);
    }
}
