using RlAlign.Core;
using RlAlign.Core.Random;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.MuJoCo;

/// <summary>
/// What Gymnasium's <c>MujocoEnv</c> does for every v5 task: loads the MJCF (the shipped asset, or option
/// <c>model_path</c>), writes the action verbatim into <c>ctrl</c> (MuJoCo clamps it to <c>ctrlrange</c>),
/// steps <c>frame_skip</c> times and then runs <c>mj_rnePostConstraint</c>; reset is <c>mj_resetData</c>
/// followed by the task's noise around <c>qpos0</c>/zero velocity and <c>mj_forward</c>. The env itself never
/// truncates: <see cref="Core.Envs.Make"/> adds the registered time limit.
/// </summary>
public abstract class MuJoCoEnv : IEnv, IStateful
{
    private readonly MjModel _model;
    private readonly MjData _data;
    private readonly double[] _initQpos;
    private NumpyGenerator? _random;
    private bool _hasState;
    private bool _disposed;

    /// <param name="options">Gymnasium kwargs: <c>model_path</c> and <c>reset_noise_scale</c> are read here.</param>
    /// <param name="asset">The shipped model file name under <c>assets/mujoco/</c>.</param>
    /// <param name="counts">nq, nv, nu the task's observation layout assumes; a user model must match.</param>
    protected MuJoCoEnv(EnvOptions? options, string asset, int frameSkip, double defaultResetNoiseScale, (int Nq, int Nv, int Nu) counts)
    {
        string? modelPath = options?.Get<string?>("model_path", null);
        ResetNoiseScale = options?.Get("reset_noise_scale", defaultResetNoiseScale) ?? defaultResetNoiseScale;
        FrameSkip = frameSkip;
        string path = modelPath ?? Path.Combine(AppContext.BaseDirectory, "assets", "mujoco", asset);
        if (modelPath is null && !File.Exists(path))
            path = Path.Combine(Path.GetDirectoryName(typeof(MuJoCoEnv).Assembly.Location) ?? "", "assets", "mujoco", asset);
        _model = MjModel.LoadXml(path);
        try
        {
            if (_model.Nq != counts.Nq || _model.Nv != counts.Nv || _model.Nu != counts.Nu)
                throw new ArgumentException($"{DefaultId}: model '{_model.Path}' has nq={_model.Nq}, nv={_model.Nv}, nu={_model.Nu}; this task needs nq={counts.Nq}, nv={counts.Nv}, nu={counts.Nu}.");
            _data = new MjData(_model);
        }
        catch
        {
            _model.Dispose();
            throw;
        }
        _initQpos = _model.Qpos0.ToArray();
        Dt = _model.Timestep * frameSkip;

        // Gymnasium's action space: Box(ctrlrange[:, 0], ctrlrange[:, 1]) as float32.
        ReadOnlySpan<double> range = _model.ActuatorCtrlRange;
        var low = new float[_model.Nu];
        var high = new float[_model.Nu];
        for (int i = 0; i < low.Length; i++)
        {
            low[i] = (float)range[2 * i];
            high[i] = (float)range[2 * i + 1];
        }
        ActionSpace = new Box(low, high);
    }

    /// <summary>The Gymnasium id used in messages when the env was built without <see cref="Core.Envs.Make"/>.</summary>
    protected abstract string DefaultId { get; }

    public abstract Space ObservationSpace { get; }
    public Space ActionSpace { get; }
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;

    public MjModel Model => _model;
    public MjData Data => _data;
    public int FrameSkip { get; }
    public double ResetNoiseScale { get; }

    /// <summary>Seconds of simulated time per env step (<c>timestep · frame_skip</c>).</summary>
    public double Dt { get; }

    /// <summary>The env generator (Gymnasium's <c>np_random</c>), or null before the first reset.</summary>
    public NumpyGenerator? Generator => _random;

    /// <summary><c>qpos0</c> captured at construction (Gymnasium's <c>init_qpos</c>; <c>init_qvel</c> is zero).</summary>
    protected ReadOnlySpan<double> InitQpos => _initQpos;

    protected string DisplayName => Spec?.Id ?? DefaultId;

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        EnsureObservationBuffer(observation);
        if (seed is ulong value) _random = NumpyGenerator.FromSeed(value);
        _random ??= NumpyGenerator.FromSeed((ulong)System.Random.Shared.NextInt64());
        _data.Reset();
        ResetModel(_random, _data.Qpos, _data.Qvel);
        _data.Forward();
        _hasState = true;
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_hasState) throw new InvalidOperationException($"{DisplayName}: call Reset before Step.");
        EnsureObservationBuffer(observation);
        CheckAction(action);
        return StepTask(action, observation);
    }

    /// <summary>Gymnasium's <c>do_simulation</c>: ctrl = action, <c>frame_skip</c> × <c>mj_step</c>, then <c>mj_rnePostConstraint</c>.</summary>
    protected void DoSimulation(ReadOnlySpan<float> action)
    {
        Span<double> ctrl = _data.Ctrl;
        for (int i = 0; i < ctrl.Length; i++) ctrl[i] = action[i];
        try
        {
            _data.StepThenRnePostConstraint(FrameSkip);
        }
        catch (MuJoCoEngineException)
        {
            _hasState = false; // MuJoCo stopped mid-step: only a reset gives a valid state again
            throw;
        }
    }

    /// <summary>Writes the qpos and qvel the task's <c>reset_model</c> draws, in Gymnasium's draw order.</summary>
    protected abstract void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel);

    /// <summary>Simulates (through <see cref="DoSimulation"/>), writes the observation, and scores the step.</summary>
    protected abstract StepResult StepTask(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>Gymnasium's <c>_get_obs</c> for the current state.</summary>
    public abstract void WriteObservation(Span<float> observation);

    /// <summary><c>init + uniform(low, high, size)</c> for every element, in order (NumPy draws the whole array first).</summary>
    protected static void AddUniform(NumpyGenerator random, double low, double high, ReadOnlySpan<double> init, Span<double> destination)
    {
        random.Uniform(low, high, destination);
        for (int i = 0; i < destination.Length; i++) destination[i] += init.Length == 0 ? 0 : init[i];
    }

    /// <summary><c>init + scale * standard_normal(size)</c> for every element, in order (NumPy's ziggurat, draw for draw).</summary>
    protected static void AddNormal(NumpyGenerator random, double scale, ReadOnlySpan<double> init, Span<double> destination)
    {
        random.StandardNormal(destination);
        for (int i = 0; i < destination.Length; i++) destination[i] = (init.Length == 0 ? 0 : init[i]) + scale * destination[i];
    }

    /// <summary><c>np.sum(np.square(action))</c> on the float32 action, accumulated in float32 as NumPy does for short arrays.</summary>
    protected static double SquaredSum(ReadOnlySpan<float> action)
    {
        float sum = 0;
        foreach (float a in action) sum += a * a;
        return sum;
    }

    public void SaveState(BinaryWriter writer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.Write(_random is not null);
        _random?.SaveState(writer);
        writer.Write(_hasState);
        // Everything mj_step reads besides the model: the Newton solver warm-starts from qacc_warmstart, so
        // without it a restored run would drift from the original by solver tolerance.
        writer.Write(_data.Time);
        WriteArray(writer, _data.Qpos);
        WriteArray(writer, _data.Qvel);
        WriteArray(writer, _data.Act);
        WriteArray(writer, _data.Ctrl);
        WriteArray(writer, _data.QaccWarmstart);
        // Body and site positions after mj_step trail qpos by a substep, and tasks read them before the next
        // step (Ant's and Humanoid's velocity), so they are saved as MuJoCo left them rather than recomputed on load.
        WriteArray(writer, _data.Xpos);
        WriteArray(writer, _data.Xipos);
        WriteArray(writer, _data.SiteXpos);
        SaveExtraState(writer);
    }

    public void LoadState(BinaryReader reader)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NumpyGenerator? random = null;
        if (reader.ReadBoolean())
        {
            random = NumpyGenerator.FromSeed(0);
            random.LoadState(reader);
        }
        bool hasState = reader.ReadBoolean();
        double time = reader.ReadDouble();
        double[] qpos = ReadArray(reader, _data.Qpos.Length);
        double[] qvel = ReadArray(reader, _data.Qvel.Length);
        double[] act = ReadArray(reader, _data.Act.Length);
        double[] ctrl = ReadArray(reader, _data.Ctrl.Length);
        double[] warmstart = ReadArray(reader, _data.QaccWarmstart.Length);
        double[] xpos = ReadArray(reader, _data.Xpos.Length);
        double[] xipos = ReadArray(reader, _data.Xipos.Length);
        double[] siteXpos = ReadArray(reader, _data.SiteXpos.Length);
        // mj_forward makes every derived quantity (contacts, cfrc_ext, ...) match the restored state for callers
        // who read Data. It also renormalizes quaternions in qpos, so the saved values are written once more
        // afterwards, together with the ones mj_step would have left (warm start, trailing positions).
        WriteState();
        _data.Forward();
        WriteState();
        warmstart.CopyTo(_data.QaccWarmstart);
        xpos.CopyTo(_data.Xpos);
        xipos.CopyTo(_data.Xipos);
        siteXpos.CopyTo(_data.SiteXpos);

        void WriteState()
        {
            _data.Time = time;
            qpos.CopyTo(_data.Qpos);
            qvel.CopyTo(_data.Qvel);
            act.CopyTo(_data.Act);
            ctrl.CopyTo(_data.Ctrl);
        }

        _random = random;
        _hasState = hasState;
        LoadExtraState(reader);
    }

    protected virtual void SaveExtraState(BinaryWriter writer) { }
    protected virtual void LoadExtraState(BinaryReader reader) { }

    private static void WriteArray(BinaryWriter writer, ReadOnlySpan<double> values)
    {
        writer.Write(values.Length);
        foreach (double value in values) writer.Write(value);
    }

    private double[] ReadArray(BinaryReader reader, int expectedLength)
    {
        int length = reader.ReadInt32();
        if (length != expectedLength)
            throw new InvalidDataException($"{DisplayName}: saved state has an array of {length} values where this model has {expectedLength}.");
        var values = new double[length];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadDouble();
        return values;
    }

    private void CheckAction(ReadOnlySpan<float> action)
    {
        if (action.Length != _model.Nu)
            throw new ArgumentException($"{DisplayName} action has {action.Length} values; {ActionSpace} expects {_model.Nu}.", nameof(action));
        foreach (float value in action)
        {
            // MuJoCo clamps out-of-range controls, but NaN would poison the whole state silently.
            if (!float.IsFinite(value))
                throw new ArgumentException($"{DisplayName} action contains {value}; {ActionSpace} takes finite values (out-of-range ones are clamped to ctrlrange).", nameof(action));
        }
    }

    private void EnsureObservationBuffer(Span<float> observation)
    {
        if (observation.Length < ObservationSpace.FlatSize)
            throw new ArgumentException($"{DisplayName} observation buffer has {observation.Length} floats; {ObservationSpace} needs {ObservationSpace.FlatSize}.", nameof(observation));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _data.Dispose();
        _model.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static Box UnboundedBox(int size) => new(float.NegativeInfinity, float.PositiveInfinity, [size], DType.Float32);
}
