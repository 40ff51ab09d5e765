using System.Diagnostics;
using System.Runtime.InteropServices;
using Python.Runtime;

namespace RlAlign.Envs.Gymnasium;

/// <summary>Where the Python runtime was found: the shared library and the interpreter it belongs to (when known).</summary>
public sealed record PythonInstallation(string LibraryPath, string? Executable, bool HasNumpy, string FoundBy);

/// <summary>Python could not be found or started; the message says what to install or set.</summary>
public sealed class PythonNotAvailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Starts the embedded Python runtime once per process. pythonnet can load one libpython per process and
/// can't be restarted, so this is the one piece of process-wide state in the bridge; everything else holds
/// the GIL only for the duration of one call.
/// </summary>
public static class PythonRuntime
{
    /// <summary>Path of a <c>libpython3.X.so</c> to use instead of searching.</summary>
    public const string OverrideVariable = "RLALIGN_PYTHON";

    internal const string InstallHint =
        "Install Python 3 with its shared library and numpy (Debian/Ubuntu: apt-get install python3 libpython3.11 python3-numpy), "
        + $"or set {OverrideVariable}=/path/to/libpython3.X.so.";

    private static readonly Lazy<PythonInstallation> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Loads and initializes Python if needed, then releases the GIL so any thread can take it with
    /// <c>Py.GIL()</c>. Throws <see cref="PythonNotAvailableException"/> (every time) when that failed.
    /// </summary>
    public static PythonInstallation EnsureInitialized() => Started.Value;

    /// <summary>
    /// Takes the GIL for one call. The first time on each thread it also gives that thread a Python thread
    /// state that outlives the call: without one, every <c>Py.GIL()</c> on a thread other than the one that
    /// started Python creates and destroys a thread state, which halves the bridge's step rate.
    /// </summary>
    public static unsafe Py.GILState Gil()
    {
        EnsureInitialized();
        // Only where this thread does not hold the GIL already (a caller's Py.GIL() around ours): giving it
        // back below would take it from under that caller.
        if (!t_threadStateKept && s_gilHeldByThisThread is not null && s_gilHeldByThisThread() == 0)
        {
            Py.GILState outer = Py.GIL();
            // Never released: it holds this thread's state (the GIL itself is given back just below). Its
            // finalizer would complain about a lock released from another thread, so it is suppressed.
            GC.SuppressFinalize(outer);
            PythonEngine.BeginAllowThreads();
            t_threadStateKept = true;
        }
        return Py.GIL();
    }

    // PyGILState_Check from the loaded libpython (pythonnet keeps its own binding internal). Set once by Start.
    private static unsafe delegate* unmanaged<int> s_gilHeldByThisThread;

    // Per thread, not process-wide: whether Gil() already gave this thread its lasting Python thread state.
    [ThreadStatic] private static bool t_threadStateKept;

    /// <summary>
    /// Finds libpython: <c>RLALIGN_PYTHON</c> if set (it must exist), else the first <c>python3</c> (on PATH, then
    /// the system one) that has a shared library and numpy, else any with a shared library, else a
    /// <c>libpython3.*.so</c> in the usual library folders.
    /// </summary>
    public static PythonInstallation Locate(string? overridePath)
    {
        if (!string.IsNullOrEmpty(overridePath))
        {
            if (!File.Exists(overridePath))
                throw new PythonNotAvailableException($"{OverrideVariable} is '{overridePath}', but no such file exists. {InstallHint}");
            if (!Path.GetFileName(overridePath).Contains(".so", StringComparison.Ordinal))
            {
                // An interpreter rather than a library: ask it for its library.
                return Query(overridePath) is PythonInstallation fromExecutable
                    ? fromExecutable with { FoundBy = OverrideVariable }
                    : throw new PythonNotAvailableException($"{OverrideVariable} is '{overridePath}', which is not a Python with a shared library (libpython3.X.so). {InstallHint}");
            }
            return new PythonInstallation(overridePath, GuessExecutable(overridePath), HasNumpy: false, FoundBy: OverrideVariable);
        }

        var tried = new List<string>();
        PythonInstallation? withoutNumpy = null;
        foreach (string executable in CandidateExecutables())
        {
            PythonInstallation? found = Query(executable);
            tried.Add(executable);
            if (found is null) continue;
            if (found.HasNumpy) return found;
            withoutNumpy ??= found;
        }
        if (withoutNumpy is not null) return withoutNumpy;

        foreach (string directory in (string[])["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"])
        {
            if (!Directory.Exists(directory)) continue;
            string? library = Directory.EnumerateFiles(directory, "libpython3.*.so*")
                .Where(f => !f.EndsWith(".a", StringComparison.Ordinal))
                .OrderByDescending(f => f, StringComparer.Ordinal)
                .FirstOrDefault();
            if (library is not null) return new PythonInstallation(library, GuessExecutable(library), HasNumpy: false, FoundBy: $"search of {directory}");
            tried.Add(directory);
        }
        throw new PythonNotAvailableException($"No Python shared library (libpython3.X.so) found; looked at {string.Join(", ", tried)}. {InstallHint}");
    }

    /// <summary>
    /// The interpreter beside a libpython (<c>/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0</c> → <c>/usr/bin/python3.11</c>),
    /// so that Python computes its prefix from it rather than from whichever python3 is first on PATH.
    /// </summary>
    private static string? GuessExecutable(string libraryPath)
    {
        string name = Path.GetFileName(libraryPath);
        int end = name.IndexOf(".so", StringComparison.Ordinal);
        if (!name.StartsWith("libpython", StringComparison.Ordinal) || end < 0) return null;
        string version = name["libpython".Length..end].TrimEnd('m', 'd');
        for (DirectoryInfo? directory = new FileInfo(libraryPath).Directory?.Parent; directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "bin", "python" + version);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static PythonInstallation Start()
    {
        PythonInstallation installation = Locate(Environment.GetEnvironmentVariable(OverrideVariable));
        try
        {
            Runtime.PythonDLL = installation.LibraryPath;
            // The interpreter's own path lets Python find its prefix (and a venv's pyvenv.cfg) rather than
            // guessing from whichever python3 comes first on PATH. PYTHONPATH is read by Python itself.
            if (installation.Executable is not null) PythonEngine.ProgramName = installation.Executable;
            PythonEngine.Initialize();
            // Initialize leaves this thread holding the GIL; release it so that vector env workers can take it per call.
            PythonEngine.BeginAllowThreads();
            if (NativeLibrary.TryLoad(installation.LibraryPath, out IntPtr library)
                && NativeLibrary.TryGetExport(library, "PyGILState_Check", out IntPtr check))
            {
                unsafe { s_gilHeldByThisThread = (delegate* unmanaged<int>)check; }
            }
        }
        catch (Exception e) when (e is not PythonNotAvailableException)
        {
            throw new PythonNotAvailableException(
                $"Loading Python from '{installation.LibraryPath}' (found by {installation.FoundBy}) failed: {e.Message} {InstallHint}", e);
        }
        return installation;
    }

    private static IEnumerable<string> CandidateExecutables()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string> onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "python3"));
        foreach (string candidate in onPath.Append("/usr/bin/python3").Append("/usr/local/bin/python3"))
        {
            if (!File.Exists(candidate)) continue;
            string real = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            // pyenv shims are scripts that resolve to another interpreter: keep them (they can still answer),
            // but never ask the same binary twice.
            if (seen.Add(real)) yield return candidate;
        }
    }

    private const string QueryScript =
        "import sys, sysconfig, os\n"
        + "d = sysconfig.get_config_var('LIBDIR') or ''\n"
        + "names = [sysconfig.get_config_var('INSTSONAME'), sysconfig.get_config_var('LDLIBRARY')]\n"
        + "lib = next((os.path.join(d, n) for n in names if n and '.so' in n and os.path.exists(os.path.join(d, n))), '')\n"
        + "try:\n import numpy; np = 1\nexcept Exception:\n np = 0\n"
        + "print(lib); print(sys.executable); print(np)\n";

    /// <summary>Asks an interpreter for its shared library, real executable and whether numpy imports; null when it has no shared library.</summary>
    private static PythonInstallation? Query(string executable)
    {
        try
        {
            var start = new ProcessStartInfo(executable, ["-c", QueryScript])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000) || process.ExitCode != 0) return null;
            string[] lines = output.Split('\n', StringSplitOptions.TrimEntries);
            if (lines.Length < 3 || lines[0].Length == 0) return null;
            return new PythonInstallation(lines[0], lines[1].Length > 0 ? lines[1] : executable, HasNumpy: lines[2] == "1", FoundBy: executable);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
