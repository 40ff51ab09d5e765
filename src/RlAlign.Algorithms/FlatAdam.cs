using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>
/// Adam (PyTorch's algorithm, without weight decay) over parameters packed into one contiguous buffer
/// (each starting on a 64-byte boundary, as libtorch allocates tensors, so kernels see the same alignment),
/// with PyTorch's global gradient-norm clipping. Each parameter becomes a view into the flat parameter
/// buffer and its <c>.grad</c> a view into the flat gradient buffer (backward accumulates into an existing
/// gradient in place), so zeroing, clipping and the Adam update are a handful of tensor ops however many
/// parameter tensors the network has. TorchSharp's per-op overhead makes the per-parameter loop of its own
/// Adam the largest cost of a small-network PPO update; this removes it.
/// </summary>
public sealed class FlatAdam : IDisposable
{
    private const int AlignmentInFloats = 16;

    private readonly Parameter[] _parameters;
    private readonly Tensor _values;
    private readonly Tensor _gradients;
    private readonly Tensor[] _gradientViews; // held so the handles live exactly as long as the optimizer
    private readonly Tensor _expAvg;
    private readonly Tensor _expAvgSq;
    private readonly Scalar _beta1;
    private readonly Scalar _oneMinusBeta1;
    private readonly Scalar _beta2;
    private readonly Scalar _oneMinusBeta2;
    private readonly Scalar _eps;

    /// <param name="parameters">Parameters of one device and dtype (float32); they are re-pointed into the flat buffer, keeping their values.</param>
    public FlatAdam(IReadOnlyList<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (parameters.Count == 0) throw new ArgumentException("FlatAdam needs at least one parameter.", nameof(parameters));
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be >= 0.");
        Device device = parameters[0].device;
        if (parameters.Any(p => p.device.type != device.type || p.device.index != device.index || p.dtype != ScalarType.Float32))
            throw new ArgumentException("FlatAdam needs float32 parameters on one device.", nameof(parameters));
        _parameters = [.. parameters];
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        _beta1 = beta1.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _beta2 = beta2.ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _eps = eps.ToScalar();

        long size = _parameters.Sum(p => Padded(p.numel()));
        _values = zeros(size, device: device).DetachFromDisposeScope();
        _gradients = zeros(size, device: device).DetachFromDisposeScope();
        _expAvg = zeros(size, device: device).DetachFromDisposeScope();
        _expAvgSq = zeros(size, device: device).DetachFromDisposeScope();
        _gradientViews = new Tensor[_parameters.Length];
        using (NewDisposeScope())
        using (no_grad())
        {
            long offset = 0;
            for (int i = 0; i < _parameters.Length; i++)
            {
                Parameter parameter = _parameters[i];
                long count = parameter.numel();
                Tensor value = _values.narrow(0, offset, count).view(parameter.shape);
                value.copy_(parameter);
                parameter.set_(value);
                _gradientViews[i] = _gradients.narrow(0, offset, count).view(parameter.shape).DetachFromDisposeScope();
                parameter.grad = _gradientViews[i];
                offset += Padded(count);
            }
        }
    }

    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    /// <summary>Adam steps taken (PyTorch's per-parameter <c>step</c>, shared here).</summary>
    public long StepCount { get; private set; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>All parameter values in the order given to the constructor, each padded to a 64-byte boundary.</summary>
    public Tensor FlatValues => _values;

    /// <summary>All gradients, in the same layout as <see cref="FlatValues"/>.</summary>
    public Tensor FlatGradients => _gradients;

    /// <summary>Zeroes every gradient in place (the gradients must stay views of the flat buffer, so they are never set to null).</summary>
    public void ZeroGrad() => _gradients.zero_();

    /// <summary>
    /// <c>torch.nn.utils.clip_grad_norm_</c>: scales the gradients by <c>maxNorm / (norm + 1e-6)</c> when that is below 1.
    /// Returns the total 2-norm before clipping (NaN or infinity when a gradient is non-finite, in which case nothing is scaled).
    /// </summary>
    public double ClipGradNorm(double maxNorm)
    {
        using Tensor normTensor = _gradients.norm(2f);
        double norm = normTensor.item<float>();
        double coefficient = maxNorm / (norm + 1e-6);
        if (double.IsFinite(norm) && coefficient < 1)
        {
            using Scalar scale = coefficient.ToScalar();
            _gradients.mul_(scale);
        }
        return norm;
    }

    /// <summary>One Adam step with the current gradients (PyTorch's single-tensor Adam, term for term).</summary>
    public void Step()
    {
        StepCount++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, StepCount));
        using DisposeScope scope = NewDisposeScope();
        using (no_grad())
        {
            _expAvg.mul_(_beta1).add_(_gradients, _oneMinusBeta1);
            _expAvgSq.mul_(_beta2).addcmul_(_gradients, _gradients, _oneMinusBeta2);
            using Scalar correction = biasCorrection2Sqrt.ToScalar();
            using Scalar stepSize = (-LearningRate / biasCorrection1).ToScalar();
            Tensor denominator = _expAvgSq.sqrt().div_(correction).add_(_eps);
            _values.addcdiv_(_expAvg, denominator, stepSize);
        }
    }

    /// <summary>Writes the step count and both moment buffers (not the parameters, which their module saves).</summary>
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(StepCount);
        writer.Write(_values.numel());
        TensorData.Write(writer, _expAvg);
        TensorData.Write(writer, _expAvgSq);
    }

    public void LoadState(BinaryReader reader)
    {
        long stepCount = reader.ReadInt64();
        long size = reader.ReadInt64();
        if (size != _values.numel())
            throw new InvalidDataException($"The saved Adam state covers {size} parameters, this optimizer {_values.numel()}.");
        TensorData.Read(reader, _expAvg);
        TensorData.Read(reader, _expAvgSq);
        StepCount = stepCount;
    }

    // The padding between parameters stays zero in every buffer, so it adds nothing to norms or updates.
    private static long Padded(long count) => (count + AlignmentInFloats - 1) / AlignmentInFloats * AlignmentInFloats;

    public void Dispose()
    {
        foreach (Tensor view in _gradientViews) view.Dispose();
        _values.Dispose();
        _gradients.Dispose();
        _expAvg.Dispose();
        _expAvgSq.Dispose();
        _beta1.Dispose();
        _oneMinusBeta1.Dispose();
        _beta2.Dispose();
        _oneMinusBeta2.Dispose();
        _eps.Dispose();
    }
}
