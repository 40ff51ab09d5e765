using Python.Runtime;
using RlAlign.Core;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Gymnasium;

/// <summary>The Python env broke the Gymnasium API (wrong return shape or types); the message says what was expected.</summary>
public sealed class GymnasiumApiException(string message) : Exception(message);

/// <summary>Python code of a bridged env raised; <see cref="PythonTraceback"/> (also in the message) shows where.</summary>
public sealed class GymnasiumEnvException(string message, string pythonType, string pythonTraceback, Exception inner)
    : Exception(message, inner)
{
    /// <summary>The Python exception's class name, e.g. <c>ValueError</c>.</summary>
    public string PythonType { get; } = pythonType;

    /// <summary>Python's formatted traceback (as <c>traceback.format_exception</c> prints it).</summary>
    public string PythonTraceback { get; } = pythonTraceback;
}

/// <summary>
/// Any Python object with the Gymnasium API (<c>reset(seed=, options=) → (obs, info)</c>,
/// <c>step(action) → (obs, reward, terminated, truncated, info)</c>, <c>observation_space</c>,
/// <c>action_space</c>) as an <see cref="IEnv"/>. Each call takes the GIL for its duration only, so bridged
/// envs can run on vector env worker threads (Python still runs one thread at a time). Observations are
/// copied through the buffer protocol; actions are written into a numpy array the same way.
/// Python exceptions become <see cref="GymnasiumEnvException"/> with the Python traceback; API violations
/// (the old 4-tuple step, wrong types) become <see cref="GymnasiumApiException"/>.
/// </summary>
public sealed class GymnasiumEnv : IEnv
{
    private readonly PyObject _env;
    private readonly PyObject _reset;
    private readonly PyObject _step;
    private readonly SpaceBridge _observation;
    private readonly SpaceBridge _action;
    private readonly PyObject _true;
    private readonly PyObject _false;
    private readonly string _name;
    private PyObject? _numpy;
    private bool _disposed;

    /// <summary>Wraps <paramref name="env"/> (the wrapper takes its own reference; the caller may dispose theirs).</summary>
    public GymnasiumEnv(PyObject env)
    {
        ArgumentNullException.ThrowIfNull(env);
        PythonRuntime.EnsureInitialized();
        using (PythonRuntime.Gil())
        {
            _name = PythonValues.TypeName(env);
            foreach (string member in (string[])["reset", "step", "observation_space", "action_space"])
                if (!env.HasAttr(member))
                    throw new GymnasiumApiException($"{_name} has no '{member}': a Gymnasium env needs reset, step, observation_space and action_space.");
            _env = env.NewReference();
            _reset = env.GetAttr("reset");
            _step = env.GetAttr("step");
            _true = true.ToPython();
            _false = false.ToPython();
            SpaceBridge? observation = null;
            try
            {
                using (PyObject space = env.GetAttr("observation_space")) observation = SpaceBridge.Create(space, $"{_name}.observation_space", Numpy);
                using (PyObject space = env.GetAttr("action_space")) _action = SpaceBridge.Create(space, $"{_name}.action_space", Numpy);
                _observation = observation;
            }
            catch (Exception e)
            {
                // The object is never returned, so release what it took (with the GIL held, as Dispose would).
                observation?.Dispose();
                foreach (PyObject o in (PyObject[])[_reset, _step, _true, _false, _env]) o.Dispose();
                if (e is PythonException python) throw Wrap(python, "reading the spaces of");
                throw;
            }
        }
    }

    public Space ObservationSpace => _observation.Space;
    public Space ActionSpace => _action.Space;
    public EnvSpec? Spec { get; set; }
    public IEnv Unwrapped => this;

    /// <summary>The wrapped Python env. Take the GIL (<c>Py.GIL()</c>) before using it.</summary>
    public PyObject PythonEnv => _env;

    public void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckObservationBuffer(observation);
        using (PythonRuntime.Gil())
        {
            try
            {
                using var kwargs = new PyDict();
                if (seed is ulong s) { using var pySeed = new PyInt(s); kwargs["seed"] = pySeed; }
                if (options is not null) { using PyDict pyOptions = ToPython(options); kwargs["options"] = pyOptions; }
                using PyObject result = _reset.Invoke(Array.Empty<PyObject>(), kwargs);
                if (!PyTuple.IsTupleType(result) || result.Length() != 2)
                    throw new GymnasiumApiException(
                        $"{_name}.reset returned {Describe(result)}; Gymnasium's reset returns (observation, info). "
                        + "An env written for the old Gym API (reset returning only the observation) needs updating or gymnasium's compatibility wrapper.");
                using PyObject obs = result[0];
                using PyObject info = result[1];
                CheckInfo(info, "reset");
                _observation.Read(obs, observation, $"{_name}.reset observation", Numpy);
            }
            catch (PythonException e)
            {
                throw Wrap(e, "reset of");
            }
        }
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckObservationBuffer(observation);
        ActionSpace.EnsureContains(action, "action");
        using (PythonRuntime.Gil())
        {
            try
            {
                PyObject result;
                using (PyObject pyAction = _action.ToPython(action)) result = _step.Invoke(pyAction);
                using (result)
                {
                    if (!PyTuple.IsTupleType(result) || result.Length() != 5)
                    {
                        string hint = PyTuple.IsTupleType(result) && result.Length() == 4
                            ? " It returned 4 values: that is the old Gym API (obs, reward, done, info); split done into terminated and truncated."
                            : "";
                        throw new GymnasiumApiException(
                            $"{_name}.step returned {Describe(result)}; Gymnasium's step returns (observation, reward, terminated, truncated, info).{hint}");
                    }
                    using PyObject obs = result[0];
                    using PyObject reward = result[1];
                    using PyObject terminated = result[2];
                    using PyObject truncated = result[3];
                    using PyObject info = result[4];
                    var step = new StepResult(ToReward(reward), ToBool(terminated, "terminated"), ToBool(truncated, "truncated"));
                    CheckInfo(info, "step");
                    _observation.Read(obs, observation, $"{_name}.step observation", Numpy);
                    return step;
                }
            }
            catch (PythonException e)
            {
                throw Wrap(e, "step of");
            }
        }
    }

    /// <summary>Calls the Python env's <c>render()</c>; an RGB array (H×W×3 uint8) becomes the frame, anything else null.</summary>
    public RenderFrame? Render()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using (PythonRuntime.Gil())
        {
            try
            {
                if (!_env.HasAttr("render")) return null;
                using PyObject frame = _env.InvokeMethod("render");
                if (frame.IsNone()) return null;
                string dtypeName = "";
                if (frame.HasAttr("dtype")) { using PyObject dtype = frame.GetAttr("dtype"); dtypeName = dtype.ToString() ?? ""; }
                // ND only: pythonnet 3.2.1 corrupts the heap when a buffer with FORMATS is released.
                using PyBuffer buffer = frame.GetBuffer(PyBUF.ND);
                if (dtypeName != "uint8" || buffer.Dimensions != 3 || buffer.Shape![2] != 3)
                    throw new GymnasiumApiException($"{_name}.render returned a {PythonValues.TypeName(frame)} of shape ({string.Join(", ", buffer.Shape ?? [])}) and dtype '{dtypeName}'; expected an (height, width, 3) uint8 RGB array.");
                var rgb = new byte[buffer.Length];
                // PyBuffer.Read refuses multi-dimensional buffers; an ND buffer is C-contiguous, so copy its bytes directly.
                unsafe { new ReadOnlySpan<byte>((void*)buffer.Buffer, rgb.Length).CopyTo(rgb); }
                return new RenderFrame((int)buffer.Shape[1], (int)buffer.Shape[0], rgb);
            }
            catch (PythonException e)
            {
                throw Wrap(e, "render of");
            }
        }
    }

    /// <summary>Calls the Python env's <c>close()</c> and releases every Python reference held.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using (PythonRuntime.Gil())
        {
            try
            {
                if (_env.HasAttr("close")) _env.InvokeMethod("close").Dispose();
            }
            catch (PythonException e)
            {
                throw Wrap(e, "close of");
            }
            finally
            {
                _observation.Dispose();
                _action.Dispose();
                _numpy?.Dispose();
                foreach (PyObject o in (PyObject[])[_reset, _step, _true, _false, _env]) o.Dispose();
            }
        }
    }

    private PyObject Numpy() => _numpy ??= Py.Import("numpy");

    private void CheckObservationBuffer(Span<float> observation)
    {
        if (observation.Length != _observation.Space.FlatSize)
            throw new ArgumentException($"The observation buffer has {observation.Length} values; {_name}'s observation space {ObservationSpace} needs {ObservationSpace.FlatSize}.", nameof(observation));
    }

    // Identity with Python's True/False singletons: Handle is marked obsolete only to steer callers towards
    // reference-counted wrappers, and comparing with == would be Python equality (1 == True).
#pragma warning disable CS0612
    private double ToReward(PyObject reward)
    {
        if (PyFloat.IsFloatType(reward)) return reward.As<double>();
        // Ints and numpy scalars convert with float(); bool is an int in Python but never a reward.
        if (reward.Handle != _true.Handle && reward.Handle != _false.Handle && reward.HasAttr("__float__") && !PyString.IsStringType(reward))
        {
            using var value = new PyFloat(reward);
            return value.As<double>();
        }
        throw new GymnasiumApiException($"{_name}.step returned reward {Describe(reward)}; the reward must be a number (float or int).");
    }

    private bool ToBool(PyObject value, string name)
    {
        if (value.Handle == _true.Handle) return true;
        if (value.Handle == _false.Handle) return false;
        // numpy.bool_ (bool in numpy 2) is what vectorised Python envs often return.
        string type = PythonValues.TypeName(value);
        if (type is "numpy.bool_" or "numpy.bool") return value.IsTrue();
        throw new GymnasiumApiException($"{_name}.step returned {name} = {Describe(value)}; it must be a bool (the 5-tuple is obs, reward, terminated, truncated, info).");
    }

#pragma warning restore CS0612

    private void CheckInfo(PyObject info, string method)
    {
        if (!PyDict.IsDictType(info))
            throw new GymnasiumApiException($"{_name}.{method} returned info {Describe(info)}; info must be a dict.");
    }

    private static string Describe(PyObject value)
    {
        string repr = value.Repr() ?? "";
        if (repr.Length > 120) repr = repr[..120] + "…";
        return PyTuple.IsTupleType(value)
            ? $"a tuple of {value.Length()} values {repr}"
            : $"a {PythonValues.TypeName(value)} {repr}";
    }

    private static PyDict ToPython(EnvOptions options)
    {
        var dict = new PyDict();
        foreach (string key in options.Keys)
        {
            object? value = options.Get<object?>(key, null);
            using PyObject pyValue = value switch
            {
                null => PyObject.None.NewReference(),
                bool b => b.ToPython(),
                _ => value.ToPython(),
            };
            dict[key] = pyValue;
        }
        return dict;
    }

    private GymnasiumEnvException Wrap(PythonException e, string doing) => WrapException(e, $"{doing} {_name}");

    /// <summary>A .NET exception carrying the Python exception's type, message and traceback. Call with the GIL held.</summary>
    internal static GymnasiumEnvException WrapException(PythonException e, string context)
    {
        string type = e.Type?.Name ?? "Exception";
        string traceback;
        try { traceback = e.Format(); }
        catch (Exception) { traceback = e.StackTrace ?? e.Message; }
        return new GymnasiumEnvException($"Python {type} in {context}: {e.Message}\n{traceback}", type, traceback, e);
    }
}
