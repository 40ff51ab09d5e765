using System.Runtime.CompilerServices;
using NUnit.Framework;
using Python.Runtime;
using RlAlign.Envs.Gymnasium;

namespace RlAlign.Core.Tests.Gymnasium;

/// <summary>
/// Access to the Python envs in <c>rlalign_test_envs.py</c> for the bridge tests. Where Python or numpy is
/// missing, every test that needs them is ignored with what to install.
/// </summary>
internal static class PythonTestEnvs
{
    public const string ModuleName = "rlalign_test_envs";

    private static readonly Lazy<string?> Unavailable = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Ignores the calling test unless Python and numpy work and the test module is importable.</summary>
    public static void Require()
    {
        if (Unavailable.Value is string reason) Assert.Ignore(reason);
    }

    /// <summary>A bridged <c>rlalign_test_envs.{className}(*args)</c>.</summary>
    public static GymnasiumEnv Make(string className, params object[] args)
    {
        Require();
        using (Py.GIL())
        {
            using PyObject module = Py.Import(ModuleName);
            using PyObject cls = module.GetAttr(className);
            PyObject[] pyArgs = args.Select(a => a.ToPython()).ToArray();
            try
            {
                using PyObject env = cls.Invoke(pyArgs);
                return new GymnasiumEnv(env);
            }
            finally
            {
                foreach (PyObject a in pyArgs) a.Dispose();
            }
        }
    }

    /// <summary>Where the .py files are: beside the test assembly if the project copies them there, else in this source folder.</summary>
    public static string ScriptDirectory(string fileName = ModuleName + ".py", [CallerFilePath] string sourceFile = "")
    {
        string output = Path.Combine(AppContext.BaseDirectory, "Gymnasium");
        return File.Exists(Path.Combine(output, fileName)) ? output : Path.GetDirectoryName(sourceFile)!;
    }

    private static string? Prepare()
    {
        const string install = "Install Debian's python3, libpython3.11 and python3-numpy (apt-get install python3 libpython3.11 python3-numpy), or set RLALIGN_PYTHON to a libpython3.X.so whose Python has numpy.";
        try
        {
            PythonRuntime.EnsureInitialized();
        }
        catch (PythonNotAvailableException e)
        {
            return $"Python is not available: {e.Message}";
        }
        string directory = ScriptDirectory();
        if (!File.Exists(Path.Combine(directory, ModuleName + ".py")))
            return $"{ModuleName}.py was not found in {directory}.";
        using (Py.GIL())
        {
            try
            {
                Py.Import("numpy").Dispose();
            }
            catch (PythonException e)
            {
                return $"numpy is not importable by the embedded Python ({e.Message}). {install}";
            }
            using PyObject sys = Py.Import("sys");
            using PyObject path = sys.GetAttr("path");
            using var entry = new PyString(directory);
            using var first = new PyInt(0);
            path.InvokeMethod("insert", first, entry).Dispose();
        }
        return null;
    }
}
