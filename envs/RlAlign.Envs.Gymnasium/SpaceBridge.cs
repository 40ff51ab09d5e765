using Python.Runtime;
using RlAlign.Core.Spaces;

namespace RlAlign.Envs.Gymnasium;

/// <summary>
/// One Gymnasium space translated to an RlAlign <see cref="Space"/>, with the conversions between its
/// Python values and flat float32 values. Spaces are recognised by class name anywhere in the space's
/// <c>__mro__</c> (so subclasses and look-alike classes work) and read through the attributes
/// <c>gymnasium.spaces</c> defines: Box (<c>low, high, shape, dtype</c>), Discrete (<c>n, start</c>),
/// MultiDiscrete (<c>nvec, dtype, start</c>), MultiBinary (<c>n, shape</c>), Dict and Tuple (<c>spaces</c>).
/// A Tuple becomes a <see cref="DictSpace"/> with keys "0", "1", … (Core has no tuple space); as
/// DictSpace orders keys as strings, a tuple of more than ten spaces is laid out "0", "1", "10", "11", "2", ….
/// All methods expect the GIL to be held.
/// </summary>
internal abstract class SpaceBridge : IDisposable
{
    protected SpaceBridge(Space space) => Space = space;

    public Space Space { get; }

    /// <summary>Writes the Python value <paramref name="value"/> of this space as flat floats.</summary>
    public abstract void Read(PyObject value, Span<float> destination, string what, Func<PyObject> numpy);

    /// <summary>A new Python value of this space holding the flat value <paramref name="value"/> (e.g. an action).</summary>
    public abstract PyObject ToPython(ReadOnlySpan<float> value);

    public virtual void Dispose() { }

    public static SpaceBridge Create(PyObject space, string what, Func<PyObject> numpy)
    {
        List<string> classes = PythonValues.ClassNames(space);
        foreach (string cls in classes)
        {
            switch (cls)
            {
                case "Box": return CreateBox(space, what, numpy);
                case "Discrete": return CreateDiscrete(space, what);
                case "MultiDiscrete": return CreateMultiDiscrete(space, what, numpy);
                case "MultiBinary": return CreateMultiBinary(space, what, numpy);
                case "Dict": return CreateDict(space, what, numpy);
                case "Tuple": return CreateTuple(space, what, numpy);
            }
        }
        throw new NotSupportedException(
            $"{what} is a {classes[0]} ({space.Repr()}); the Gymnasium bridge translates Box, Discrete, MultiDiscrete, MultiBinary, Dict and Tuple spaces.");
    }

    private static SpaceBridge CreateBox(PyObject space, string what, Func<PyObject> numpy)
    {
        int[] shape = ReadShape(space, what);
        int size = shape.Aggregate(1, (a, b) => a * b);
        var low = new float[size];
        var high = new float[size];
        using var dtypes = new DTypeCache();
        using (PyObject lowValue = space.GetAttr("low")) PythonValues.ReadArray(lowValue, low, $"{what}.low", numpy, dtypes);
        using (PyObject highValue = space.GetAttr("high")) PythonValues.ReadArray(highValue, high, $"{what}.high", numpy, dtypes);
        using PyObject dtype = space.GetAttr("dtype");
        string dtypeName = DTypeName(dtype);
        // Core's Box reports four element types; other numpy types map to the nearest one (values are float32 anyway).
        DType coreType = dtypeName switch
        {
            "float64" => DType.Float64,
            "uint8" or "bool" => DType.UInt8,
            _ when dtypeName.StartsWith("int", StringComparison.Ordinal) || dtypeName.StartsWith("uint", StringComparison.Ordinal) => DType.Int64,
            _ => DType.Float32,
        };
        var box = new Box(low, high, shape, coreType);
        return new ArrayBridge(box, MakeTemplate(numpy, shape, dtype));
    }

    private static SpaceBridge CreateDiscrete(PyObject space, string what)
    {
        using PyObject nValue = space.GetAttr("n");
        int n = checked((int)PythonValues.ToInt64(nValue, $"{what}.n"));
        int start = 0;
        if (space.HasAttr("start"))
        {
            using PyObject startValue = space.GetAttr("start");
            start = checked((int)PythonValues.ToInt64(startValue, $"{what}.start"));
        }
        return new DiscreteBridge(new Discrete(n, start));
    }

    private static SpaceBridge CreateMultiDiscrete(PyObject space, string what, Func<PyObject> numpy)
    {
        int[] shape = ReadShape(space, what);
        var nvec = new float[shape.Aggregate(1, (a, b) => a * b)];
        using var dtypes = new DTypeCache();
        using (PyObject nvecValue = space.GetAttr("nvec")) PythonValues.ReadArray(nvecValue, nvec, $"{what}.nvec", numpy, dtypes);
        if (space.HasAttr("start"))
        {
            var start = new float[nvec.Length];
            using PyObject startValue = space.GetAttr("start");
            PythonValues.ReadArray(startValue, start, $"{what}.start", numpy, dtypes);
            if (Array.Exists(start, s => s != 0))
                throw new NotSupportedException($"{what} is a MultiDiscrete with a non-zero start ({startValue.Repr()}); RlAlign's MultiDiscrete starts at 0.");
        }
        using PyObject dtype = space.GetAttr("dtype");
        return new ArrayBridge(new MultiDiscrete(Array.ConvertAll(nvec, v => (int)v)), MakeTemplate(numpy, shape, dtype));
    }

    private static SpaceBridge CreateMultiBinary(PyObject space, string what, Func<PyObject> numpy)
    {
        int[] shape = ReadShape(space, what);
        int size = shape.Aggregate(1, (a, b) => a * b);
        using PyObject dtype = new PyString("int8");
        return new ArrayBridge(new MultiDiscrete(Enumerable.Repeat(2, size).ToArray()), MakeTemplate(numpy, shape, dtype));
    }

    private static SpaceBridge CreateDict(PyObject space, string what, Func<PyObject> numpy)
    {
        var children = new List<(string Key, SpaceBridge Bridge)>();
        try
        {
            using PyObject spaces = space.GetAttr("spaces");
            using PyObject items = spaces.InvokeMethod("items");
            foreach (PyObject item in PythonValues.Items(items))
            {
                using (item)
                using (PyObject key = item[0])
                using (PyObject child = item[1])
                {
                    if (!PyString.IsStringType(key))
                        throw new NotSupportedException($"{what} has a non-string key {key.Repr()}; the bridge needs string keys.");
                    string name = key.As<string>();
                    children.Add((name, Create(child, $"{what}['{name}']", numpy)));
                }
            }
            return new DictBridge(children, isTuple: false);
        }
        catch
        {
            foreach ((_, SpaceBridge child) in children) child.Dispose();
            throw;
        }
    }

    private static SpaceBridge CreateTuple(PyObject space, string what, Func<PyObject> numpy)
    {
        var children = new List<(string Key, SpaceBridge Bridge)>();
        try
        {
            using PyObject spaces = space.GetAttr("spaces");
            int i = 0;
            foreach (PyObject child in PythonValues.Items(spaces))
            {
                using (child) children.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), Create(child, $"{what}[{i}]", numpy)));
                i++;
            }
            return new DictBridge(children, isTuple: true);
        }
        catch
        {
            foreach ((_, SpaceBridge child) in children) child.Dispose();
            throw;
        }
    }

    private static int[] ReadShape(PyObject space, string what)
    {
        using PyObject shape = space.GetAttr("shape");
        var dims = new List<int>();
        foreach (PyObject dim in PythonValues.Items(shape))
            using (dim) dims.Add(checked((int)PythonValues.ToInt64(dim, $"{what}.shape")));
        return dims.ToArray();
    }

    private static string DTypeName(PyObject dtype)
    {
        // numpy dtypes print as their name (float32); a type object (np.float32) has __name__.
        if (dtype.HasAttr("name")) { using PyObject name = dtype.GetAttr("name"); return name.ToString() ?? ""; }
        return dtype.ToString() ?? "";
    }

    /// <summary>A zeroed numpy array of the space's shape and dtype, which actions are written into before being copied out.</summary>
    private static PyObject MakeTemplate(Func<PyObject> numpy, int[] shape, PyObject dtype)
    {
        using var shapeTuple = new PyTuple(shape.Select(d => (PyObject)new PyInt(d)).ToArray());
        return numpy().InvokeMethod("zeros", shapeTuple, dtype);
    }

    /// <summary>Box, MultiDiscrete and MultiBinary: numpy arrays.</summary>
    private sealed class ArrayBridge : SpaceBridge
    {
        private readonly PyObject _template;
        private readonly PyObject _copy;
        private readonly ElementType _actionType;
        private readonly DTypeCache _dtypes = new();

        public ArrayBridge(Space space, PyObject template) : base(space)
        {
            _template = template;
            _copy = template.GetAttr("copy");
            using PyObject dtype = template.GetAttr("dtype");
            using PyObject str = dtype.GetAttr("str");
            _actionType = ElementType.Parse(str.ToString() ?? "", $"{space}");
        }

        public override void Read(PyObject value, Span<float> destination, string what, Func<PyObject> numpy)
            => PythonValues.ReadArray(value, destination, what, numpy, _dtypes);

        public override unsafe PyObject ToPython(ReadOnlySpan<float> value)
        {
            // Not FORMATS (see PythonValues.TryGetBuffer); the template's element type is known from its dtype.
            using (PyBuffer buffer = _template.GetBuffer(PyBUF.ND | PyBUF.WRITABLE))
            {
                void* data = (void*)buffer.Buffer;
                int n = value.Length;
                switch (_actionType.Kind, _actionType.Size)
                {
                    case ('f', 4): value.CopyTo(new Span<float>(data, n)); break;
                    case ('f', 8): { var d = new Span<double>(data, n); for (int i = 0; i < n; i++) d[i] = value[i]; } break;
                    case ('f', 2): { var d = new Span<Half>(data, n); for (int i = 0; i < n; i++) d[i] = (Half)value[i]; } break;
                    case (_, 8): { var d = new Span<long>(data, n); for (int i = 0; i < n; i++) d[i] = (long)value[i]; } break;
                    case (_, 4): { var d = new Span<int>(data, n); for (int i = 0; i < n; i++) d[i] = (int)value[i]; } break;
                    case (_, 2): { var d = new Span<short>(data, n); for (int i = 0; i < n; i++) d[i] = (short)value[i]; } break;
                    default: { var d = new Span<byte>(data, n); for (int i = 0; i < n; i++) d[i] = (byte)(sbyte)value[i]; } break;
                }
            }
            // A copy, so that an env keeping a reference to its action never sees it change.
            return _copy.Invoke();
        }

        public override void Dispose()
        {
            _dtypes.Dispose();
            _copy.Dispose();
            _template.Dispose();
        }
    }

    private sealed class DiscreteBridge : SpaceBridge
    {
        // Python ints for every action of a small space, made once, so that a step allocates no new Python int.
        private readonly PyInt[] _values;

        public DiscreteBridge(Discrete space) : base(space)
        {
            _values = space.N <= 4096 ? Enumerable.Range(space.Start, space.N).Select(v => new PyInt(v)).ToArray() : [];
        }

        public override void Read(PyObject value, Span<float> destination, string what, Func<PyObject> numpy)
            => destination[0] = PythonValues.ToInt64(value, what);

        public override PyObject ToPython(ReadOnlySpan<float> value)
        {
            var space = (Discrete)Space;
            int v = (int)value[0];
            return _values.Length > 0 ? _values[v - space.Start].NewReference() : new PyInt(v);
        }

        public override void Dispose()
        {
            foreach (PyInt value in _values) value.Dispose();
        }
    }

    private sealed class DictBridge : SpaceBridge
    {
        private readonly (string Key, SpaceBridge Bridge, int Offset, PyObject PyKey)[] _children;
        private readonly bool _isTuple;

        public DictBridge(List<(string Key, SpaceBridge Bridge)> children, bool isTuple)
            : base(new DictSpace(children.Select(c => (c.Key, c.Bridge.Space)).ToArray()))
        {
            var dict = (DictSpace)Space;
            _isTuple = isTuple;
            _children = children
                .Select((c, i) => (c.Key, c.Bridge, dict.OffsetOf(c.Key), isTuple ? (PyObject)new PyInt(i) : new PyString(c.Key)))
                .ToArray();
        }

        public override void Read(PyObject value, Span<float> destination, string what, Func<PyObject> numpy)
        {
            foreach ((string key, SpaceBridge bridge, int offset, PyObject pyKey) in _children)
            {
                string childWhat = _isTuple ? $"{what}[{key}]" : $"{what}['{key}']";
                PyObject child;
                try { child = value.GetItem(pyKey); }
                catch (PythonException e)
                {
                    throw new GymnasiumApiException($"{childWhat} is missing ({PythonValues.TypeName(value)} {Truncate(value.Repr() ?? "")}): {e.Message}");
                }
                using (child) bridge.Read(child, destination.Slice(offset, bridge.Space.FlatSize), childWhat, numpy);
            }
        }

        public override PyObject ToPython(ReadOnlySpan<float> value)
        {
            if (_isTuple)
            {
                var items = new PyObject[_children.Length];
                try
                {
                    // Children are in tuple order (the DictSpace offsets handle the string-sorted layout).
                    for (int i = 0; i < items.Length; i++)
                        items[i] = _children[i].Bridge.ToPython(value.Slice(_children[i].Offset, _children[i].Bridge.Space.FlatSize));
                    return new PyTuple(items);
                }
                finally
                {
                    foreach (PyObject? item in items) item?.Dispose();
                }
            }
            var result = new PyDict();
            foreach ((_, SpaceBridge bridge, int offset, PyObject pyKey) in _children)
            {
                using PyObject child = bridge.ToPython(value.Slice(offset, bridge.Space.FlatSize));
                result[pyKey] = child;
            }
            return result;
        }

        public override void Dispose()
        {
            foreach ((_, SpaceBridge bridge, _, PyObject pyKey) in _children)
            {
                bridge.Dispose();
                pyKey.Dispose();
            }
        }

        private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
    }
}
