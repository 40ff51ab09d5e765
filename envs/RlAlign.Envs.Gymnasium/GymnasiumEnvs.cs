using Python.Runtime;
using RlAlign.Core;

namespace RlAlign.Envs.Gymnasium;

/// <summary>
/// <c>gym:ID</c> ids: the real <c>gymnasium</c> package's <c>gymnasium.make(ID, **options)</c>, wrapped in a
/// <see cref="GymnasiumEnv"/>. Gymnasium applies its own time limit and wrappers, so nothing is added here.
/// </summary>
public static class GymnasiumEnvs
{
    /// <summary>The id prefix that routes to Python Gymnasium.</summary>
    public const string Prefix = "gym:";

    /// <summary>
    /// Makes <paramref name="id"/> (with or without the <c>gym:</c> prefix) with <c>gymnasium.make</c>; every
    /// option is passed as a keyword argument (e.g. <c>max_episode_steps</c>, <c>render_mode</c>).
    /// </summary>
    public static GymnasiumEnv Make(string id, EnvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        string gymId = id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : id;
        PythonInstallation python = PythonRuntime.EnsureInitialized();
        PyObject env;
        using (PythonRuntime.Gil())
        {
            PyObject gymnasium;
            try { gymnasium = Py.Import("gymnasium"); }
            catch (PythonException e)
            {
                throw new PythonNotAvailableException(
                    $"'{Prefix}{gymId}' needs the Python package gymnasium, which the Python at '{python.LibraryPath}' cannot import ({e.Message}). "
                    + $"Install it for that Python (pip install gymnasium), put it on PYTHONPATH, or point {PythonRuntime.OverrideVariable} at a Python that has it.", e);
            }
            using (gymnasium)
            {
                using var idString = new PyString(gymId);
                using var args = new PyTuple([idString]);
                using var kwargs = new PyDict();
                if (options is not null)
                {
                    foreach (string key in options.Keys)
                    {
                        // Read through Get so that Envs.Make's check for unread (misspelt) options sees them used.
                        object? value = options.Get<object?>(key, null);
                        using PyObject pyValue = value is null ? PyObject.None.NewReference() : value is bool b ? b.ToPython() : value.ToPython();
                        kwargs[key] = pyValue;
                    }
                }
                try { env = gymnasium.InvokeMethod("make", args, kwargs); }
                catch (PythonException e) { throw GymnasiumEnv.WrapException(e, $"gymnasium.make('{gymId}')"); }
            }
        }
        try
        {
            return new GymnasiumEnv(env) { Spec = new EnvSpec(Prefix + gymId, o => Make(gymId, o), Description: $"Python gymnasium.make('{gymId}')") };
        }
        finally
        {
            using (PythonRuntime.Gil()) env.Dispose();
        }
    }
}
