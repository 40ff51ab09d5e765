using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace RlAlign.Envs.MuJoCo;

/// <summary>Thrown when <c>mj_loadXML</c> rejects a model; the message is MuJoCo's, prefixed with the file.</summary>
public sealed class MuJoCoLoadException(string path, string mujocoMessage)
    : Exception($"MuJoCo could not load '{path}': {mujocoMessage}")
{
    public string Path { get; } = path;
    public string MuJoCoMessage { get; } = mujocoMessage;
}

/// <summary>
/// MuJoCo stopped a computation with an engine error (<c>mju_error</c>), e.g. a model whose mjData stack is too small
/// for the contacts it meets. The message is MuJoCo's. The <see cref="MjData"/> was left mid-computation: reset it
/// before using it again.
/// </summary>
public sealed class MuJoCoEngineException(string path, string operation, string mujocoMessage)
    : Exception($"MuJoCo engine error in {operation} on '{path}': {mujocoMessage}. The simulation state is invalid until reset.")
{
    public string Path { get; } = path;
    public string Operation { get; } = operation;
    public string MuJoCoMessage { get; } = mujocoMessage;
}

internal sealed class MjModelHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    public MjModelHandle(nint pointer) : this() => SetHandle(pointer);

    protected override bool ReleaseHandle()
    {
        MuJoCoNative.mj_deleteModel(handle);
        return true;
    }
}

internal sealed class MjDataHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    public MjDataHandle(nint pointer) : this() => SetHandle(pointer);

    protected override bool ReleaseHandle()
    {
        MuJoCoNative.mj_deleteData(handle);
        return true;
    }
}

/// <summary>
/// A compiled MuJoCo model (<c>mjModel*</c>). Counts and arrays come through the shim, so they are right for
/// whichever MuJoCo version the shim was built against. Spans are zero-copy views of native memory: they are
/// valid until the model is disposed.
/// </summary>
public sealed unsafe class MjModel : IDisposable
{
    private readonly MjModelHandle _handle;
    private readonly ModelInfo _info;

    private MjModel(MjModelHandle handle, string path)
    {
        _handle = handle;
        Path = path;
        ModelInfo info;
        MuJoCoNative.rl_get_model_info(handle.DangerousGetHandle(), &info);
        _info = info;
    }

    /// <summary>Compiles an MJCF file with <c>mj_loadXML</c>.</summary>
    /// <exception cref="MuJoCoUnavailableException">libmujoco or the shim is missing.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="MuJoCoLoadException">MuJoCo rejected the file (its message names the element and line).</exception>
    public static MjModel LoadXml(string path)
    {
        MuJoCoLibrary.EnsureAvailable();
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new FileNotFoundException($"MuJoCo model file '{fullPath}' does not exist.", fullPath);
        const int errorSize = 1000;
        byte* error = stackalloc byte[errorSize];
        error[0] = 0;
        nint pointer = MuJoCoNative.mj_loadXML(fullPath, 0, error, errorSize);
        if (pointer == 0)
        {
            string message = Marshal.PtrToStringUTF8((nint)error) ?? "";
            throw new MuJoCoLoadException(fullPath, message.Length > 0 ? message.Trim() : "mj_loadXML returned no model and no message.");
        }
        return new MjModel(new MjModelHandle(pointer), fullPath);
    }

    public string Path { get; }
    public int Nq => _info.Nq;
    public int Nv => _info.Nv;
    public int Nu => _info.Nu;
    public int Na => _info.Na;
    public int Nbody => _info.Nbody;
    public int Nsite => _info.Nsite;
    public double Timestep => _info.Timestep;

    /// <summary>The reference configuration (<c>qpos0</c>), nq values.</summary>
    public ReadOnlySpan<double> Qpos0 => new(Alive(_info.Qpos0), _info.Nq);

    /// <summary><c>actuator_ctrlrange</c> as nu (low, high) pairs.</summary>
    public ReadOnlySpan<double> ActuatorCtrlRange => new(Alive(_info.ActuatorCtrlRange), 2 * _info.Nu);

    /// <summary>Mass of each body (world body first), nbody values.</summary>
    public ReadOnlySpan<double> BodyMass => new(Alive(_info.BodyMass), _info.Nbody);

    public bool IsCtrlLimited(int actuator) => Alive(_info.ActuatorCtrlLimited)[(uint)actuator < (uint)_info.Nu ? actuator : throw new ArgumentOutOfRangeException(nameof(actuator))] != 0;

    /// <summary>The id of the named body, or -1.</summary>
    public int BodyId(string name) => MuJoCoNative.mj_name2id(Pointer, MuJoCoNative.ObjBody, name);

    /// <summary>The id of the named site, or -1.</summary>
    public int SiteId(string name) => MuJoCoNative.mj_name2id(Pointer, MuJoCoNative.ObjSite, name);

    internal nint Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private T* Alive<T>(T* pointer) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return pointer;
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>
/// Simulation state for one <see cref="MjModel"/> (<c>mjData*</c>). The array properties are zero-copy views
/// of MuJoCo's buffers; they stay valid until this object is disposed.
/// </summary>
public sealed unsafe class MjData : IDisposable
{
    private readonly MjDataHandle _handle;
    private readonly DataInfo _info;
    private readonly nint _model;
    private readonly nint _data;

    public MjData(MjModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _model = model.Pointer;
        nint pointer;
        if (MuJoCoNative.rl_make_data(_model, &pointer) == 0) ThrowEngineError(model.Path, "mj_makeData");
        if (pointer == 0) throw new OutOfMemoryException($"mj_makeData failed for '{model.Path}'.");
        _handle = new MjDataHandle(pointer);
        _data = pointer;
        DataInfo info;
        MuJoCoNative.rl_get_data_info(pointer, &info);
        _info = info;
    }

    public MjModel Model { get; }

    public ref double Time => ref *Alive(_info.Time);
    public Span<double> Qpos => new(Alive(_info.Qpos), Model.Nq);
    public Span<double> Qvel => new(Alive(_info.Qvel), Model.Nv);
    public Span<double> Act => new(Alive(_info.Act), Model.Na);
    public Span<double> Ctrl => new(Alive(_info.Ctrl), Model.Nu);
    public Span<double> Qacc => new(Alive(_info.Qacc), Model.Nv);
    public Span<double> QaccWarmstart => new(Alive(_info.QaccWarmstart), Model.Nv);

    /// <summary>Body frame positions, nbody × 3 (world body first).</summary>
    public Span<double> Xpos => new(Alive(_info.Xpos), 3 * Model.Nbody);

    /// <summary>Site positions, nsite × 3.</summary>
    public Span<double> SiteXpos => new(Alive(_info.SiteXpos), 3 * Model.Nsite);

    /// <summary>External (contact) wrench on each body, nbody × 6; valid after <see cref="RnePostConstraint"/>.</summary>
    public Span<double> CfrcExt => new(Alive(_info.CfrcExt), 6 * Model.Nbody);

    public Span<double> QfrcConstraint => new(Alive(_info.QfrcConstraint), Model.Nv);
    public Span<double> QfrcActuator => new(Alive(_info.QfrcActuator), Model.Nv);

    /// <summary>Body centres of mass, nbody × 3.</summary>
    public Span<double> Xipos => new(Alive(_info.Xipos), 3 * Model.Nbody);

    /// <summary>Body inertias in the centre-of-mass frame, nbody × 10.</summary>
    public Span<double> Cinert => new(Alive(_info.Cinert), 10 * Model.Nbody);

    /// <summary>Body velocities in the centre-of-mass frame, nbody × 6.</summary>
    public Span<double> Cvel => new(Alive(_info.Cvel), 6 * Model.Nbody);

    /// <summary>Number of contacts MuJoCo found in the last forward pass.</summary>
    public int ContactCount => *Alive(_info.Ncon);

    /// <summary><c>mj_step</c>.</summary>
    /// <exception cref="MuJoCoEngineException">MuJoCo raised an engine error; reset before going on.</exception>
    public void Step() => Guarded(MuJoCoNative.rl_mj_step(Checked(), _data), "mj_step");

    /// <summary><c>mj_forward</c>.</summary>
    /// <exception cref="MuJoCoEngineException">MuJoCo raised an engine error; reset before going on.</exception>
    public void Forward() => Guarded(MuJoCoNative.rl_forward(Checked(), _data), "mj_forward");

    public void Reset() => MuJoCoNative.mj_resetData(Checked(), _data);

    /// <summary><c>mj_rnePostConstraint</c>.</summary>
    /// <exception cref="MuJoCoEngineException">MuJoCo raised an engine error; reset before going on.</exception>
    public void RnePostConstraint() => Guarded(MuJoCoNative.rl_rne_post_constraint(Checked(), _data), "mj_rnePostConstraint");

    /// <summary>
    /// <see cref="Step"/> <paramref name="steps"/> times, then <see cref="RnePostConstraint"/>, in one native call
    /// (Gymnasium's <c>do_simulation</c> after ctrl is written).
    /// </summary>
    /// <exception cref="MuJoCoEngineException">MuJoCo raised an engine error; reset before going on.</exception>
    public void StepThenRnePostConstraint(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Guarded(MuJoCoNative.rl_step(Checked(), _data, steps), "mj_step");
    }

    private void Guarded(int succeeded, string operation)
    {
        if (succeeded == 0) ThrowEngineError(Model.Path, operation);
    }

    [DoesNotReturn]
    private static void ThrowEngineError(string path, string operation) =>
        throw new MuJoCoEngineException(path, operation, Marshal.PtrToStringUTF8(MuJoCoNative.rl_last_error())?.Trim() ?? "");

    private nint Checked()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return _model;
    }

    private T* Alive<T>(T* pointer) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return pointer;
    }

    public void Dispose() => _handle.Dispose();
}
