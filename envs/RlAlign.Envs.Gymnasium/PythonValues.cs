using System.Diagnostics;
using Python.Runtime;

namespace RlAlign.Envs.Gymnasium;

/// <summary>Reading Python values into flat float32 spans. Every method expects the GIL to be held.</summary>
internal static class PythonValues
{
    /// <summary>
    /// Copies an array-like value (a numpy array or scalar, or anything numpy can turn into one) into
    /// <paramref name="destination"/> through the buffer protocol, converting its element type to float32.
    /// </summary>
    public static void ReadArray(PyObject value, Span<float> destination, string what, Func<PyObject> numpy, DTypeCache dtypes)
    {
        if (!value.HasAttr("dtype"))
        {
            // Lists, Python numbers and other buffers: let numpy make an array (this also gives the element type).
            using PyObject array = ToContiguousArray(value, what, numpy);
            ReadArray(array, destination, what, numpy, dtypes);
            return;
        }
        ElementType type;
        using (PyObject dtype = value.GetAttr("dtype")) type = dtypes.Get(dtype, what);
        PyBuffer? buffer = TryGetBuffer(value);
        if (buffer is null)
        {
            // A non-contiguous view (a slice or transpose) has no C-contiguous buffer: copy it into one.
            using PyObject contiguous = ToContiguousArray(value, what, numpy);
            buffer = TryGetBuffer(contiguous) ?? throw new GymnasiumApiException($"{what} ({TypeName(value)}) offers no readable buffer.");
        }
        using (buffer)
        {
            long count = type.Size == 0 ? 0 : buffer.Length / type.Size;
            if (count != destination.Length)
                throw new GymnasiumApiException($"{what} has {count} values (shape ({string.Join(", ", buffer.Shape ?? [])})), but its space holds {destination.Length}.");
            Convert(buffer.Buffer, type, destination);
        }
    }

    private static PyObject ToContiguousArray(PyObject value, string what, Func<PyObject> numpy)
    {
        PyObject array;
        try { array = numpy().InvokeMethod("ascontiguousarray", value); }
        catch (PythonException e) { throw new GymnasiumApiException($"{what} is a {TypeName(value)} {value.Repr()}, which numpy cannot turn into an array ({e.Message})."); }
        using (PyObject dtype = array.GetAttr("dtype"))
        using (PyObject kind = dtype.GetAttr("kind"))
        {
            if (kind.ToString() is not ("f" or "i" or "u" or "b"))
            {
                array.Dispose();
                throw new GymnasiumApiException($"{what} is a {TypeName(value)} {value.Repr()}, which numpy cannot turn into an array of numbers.");
            }
        }
        return array;
    }

    private static PyBuffer? TryGetBuffer(PyObject value)
    {
        try
        {
            // ND without STRIDES asks for a C-contiguous buffer. Not FORMATS: pythonnet 3.2.1's PyBuffer frees the
            // exporter's format string when disposed (heap corruption), so the element type comes from the dtype.
            return value.GetBuffer(PyBUF.ND);
        }
        catch (PythonException)
        {
            return null;
        }
    }

    private static unsafe void Convert(IntPtr data, ElementType type, Span<float> destination)
    {
        int n = destination.Length;
        switch (type.Kind, type.Size)
        {
            case ('f', 4): new ReadOnlySpan<float>((void*)data, n).CopyTo(destination); break;
            case ('f', 8): { var s = new ReadOnlySpan<double>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = (float)s[i]; } break;
            case ('f', 2): { var s = new ReadOnlySpan<Half>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = (float)s[i]; } break;
            case ('i', 1): { var s = new ReadOnlySpan<sbyte>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('u' or 'b', 1): { var s = new ReadOnlySpan<byte>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('i', 2): { var s = new ReadOnlySpan<short>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('u', 2): { var s = new ReadOnlySpan<ushort>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('i', 4): { var s = new ReadOnlySpan<int>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('u', 4): { var s = new ReadOnlySpan<uint>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('i', 8): { var s = new ReadOnlySpan<long>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            case ('u', 8): { var s = new ReadOnlySpan<ulong>((void*)data, n); for (int i = 0; i < n; i++) destination[i] = s[i]; } break;
            default: throw new UnreachableException();
        }
    }

    /// <summary>An integer from a Python int, a numpy integer or anything with <c>__index__</c>.</summary>
    public static long ToInt64(PyObject value, string what)
    {
        if (!value.HasAttr("__index__"))
            throw new GymnasiumApiException($"{what} must be an integer, got {TypeName(value)} {value.Repr()}.");
        using PyObject index = value.InvokeMethod("__index__");
        return index.As<long>();
    }

    /// <summary>The items of any Python iterable (each a new reference for the caller to dispose).</summary>
    public static IEnumerable<PyObject> Items(PyObject iterable)
    {
        using PyList list = PyList.AsList(iterable);
        long count = list.Length();
        for (int i = 0; i < count; i++) yield return list[i];
    }

    public static string TypeName(PyObject value)
    {
        using PyType type = value.GetPythonType();
        return type.Name;
    }

    /// <summary>The names of the classes <paramref name="value"/>'s type derives from, most derived first (its <c>__mro__</c>).</summary>
    public static List<string> ClassNames(PyObject value)
    {
        var names = new List<string>();
        using PyType type = value.GetPythonType();
        using PyObject mro = type.GetAttr("__mro__");
        foreach (PyObject cls in Items(mro))
        {
            using (cls)
            using (PyObject name = cls.GetAttr("__name__"))
                names.Add(name.As<string>());
        }
        return names;
    }
}

/// <summary>A numpy element type: its kind (<c>f</c>, <c>i</c>, <c>u</c>, <c>b</c>) and size in bytes.</summary>
internal readonly record struct ElementType(char Kind, int Size)
{
    /// <summary>Parses a native-order numpy <c>dtype.str</c> such as <c>&lt;f4</c> or <c>|u1</c>.</summary>
    public static ElementType Parse(string dtypeStr, string what)
    {
        if (dtypeStr.Length >= 3 && dtypeStr[0] == '>' && BitConverter.IsLittleEndian)
            throw new GymnasiumApiException($"{what} is big-endian ({dtypeStr}); convert it to native byte order.");
        if (dtypeStr.Length >= 3 && dtypeStr[1] is 'f' or 'i' or 'u' or 'b'
            && int.TryParse(dtypeStr.AsSpan(2), out int size) && size is 1 or 2 or 4 or 8
            && !(dtypeStr[1] == 'f' && size == 1) && !(dtypeStr[1] == 'b' && size != 1))
            return new ElementType(dtypeStr[1], size);
        throw new GymnasiumApiException($"{what} has numpy dtype '{dtypeStr}', which is not a number type the bridge reads.");
    }
}

/// <summary>
/// The element type of the dtypes one observation leaf has shown. numpy's built-in dtypes are singletons, so
/// after the first step recognising the dtype is a pointer comparison rather than another Python call.
/// Expects the GIL to be held.
/// </summary>
internal sealed class DTypeCache : IDisposable
{
    private PyObject? _dtype;
    private ElementType _type;

    public ElementType Get(PyObject dtype, string what)
    {
#pragma warning disable CS0612 // Handle: identity of the dtype singleton, not a Python == comparison.
        if (_dtype is not null && _dtype.Handle == dtype.Handle) return _type;
#pragma warning restore CS0612
        using PyObject str = dtype.GetAttr("str");
        ElementType type = ElementType.Parse(str.ToString() ?? "", what);
        _dtype?.Dispose();
        _dtype = dtype.NewReference();
        _type = type;
        return type;
    }

    public void Dispose() => _dtype?.Dispose();
}
