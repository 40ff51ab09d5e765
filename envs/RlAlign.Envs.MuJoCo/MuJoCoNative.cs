using System.Reflection;
using System.Runtime.InteropServices;

namespace RlAlign.Envs.MuJoCo;

/// <summary>Counts and array pointers of an <c>mjModel</c>, as the shim copies them (layout mirrors <c>rl_model_info</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ModelInfo
{
    public int StructSize;
    public int HeaderVersion;
    public int Nq, Nv, Nu, Na, Nbody, Nsite;
    public double Timestep;
    public double* Qpos0;
    public double* ActuatorCtrlRange;
    public byte* ActuatorCtrlLimited;
    public double* BodyMass;
}

/// <summary>Array pointers of an <c>mjData</c>, as the shim copies them (layout mirrors <c>rl_data_info</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DataInfo
{
    public int StructSize;
    public double* Time;
    public double* Qpos;
    public double* Qvel;
    public double* Act;
    public double* Ctrl;
    public double* Qacc;
    public double* QaccWarmstart;
    public double* Xpos;
    public double* SiteXpos;
    public double* CfrcExt;
    public double* QfrcConstraint;
    public double* QfrcActuator;
    public double* Xipos;
    public double* Cinert;
    public double* Cvel;
    public int* Ncon;
}

/// <summary>
/// P/Invoke of MuJoCo's stable C API plus the build-time shim. Pointers are passed as <c>nint</c> so that a
/// call marshals nothing and allocates nothing (the env step loop goes through here). Everything that can raise a
/// MuJoCo engine error (making data, stepping, forward) goes through the shim's guarded calls.
/// </summary>
internal static unsafe partial class MuJoCoNative
{
    public const string MuJoCoLibrary = "mujoco";
    public const string ShimLibrary = "rlalign_mujoco_shim";
    public const string ShimFileName = "librlalign_mujoco_shim.so";

    // mjtObj values (mjmodel.h); part of the stable API.
    public const int ObjBody = 1;
    public const int ObjSite = 6;

    // The SONAMEs Debian's libmujoco2.2.2 provides, newest first; "libmujoco.so" comes with libmujoco-dev.
    private static readonly string[] MuJoCoCandidates = ["libmujoco.so.2.2.2", "libmujoco.so", "mujoco"];

    static MuJoCoNative() => NativeLibrary.SetDllImportResolver(typeof(MuJoCoNative).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == MuJoCoLibrary)
        {
            foreach (string candidate in MuJoCoCandidates)
                if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out nint handle)) return handle;
            return 0;
        }
        if (name == ShimLibrary)
        {
            // The shim is built into the output folder of whatever app references this assembly.
            string path = Path.Combine(AppContext.BaseDirectory, ShimFileName);
            if (!File.Exists(path)) path = Path.Combine(Path.GetDirectoryName(assembly.Location) ?? "", ShimFileName);
            return NativeLibrary.TryLoad(path, out nint handle) ? handle : 0;
        }
        return 0;
    }

    /// <summary>Forces the static constructor (and so the resolver) to run.</summary>
    public static void EnsureResolver() { }

    [LibraryImport(MuJoCoLibrary, EntryPoint = "mj_version")]
    public static partial int mj_version();

    [LibraryImport(MuJoCoLibrary, EntryPoint = "mj_loadXML", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint mj_loadXML(string filename, nint vfs, byte* error, int errorSize);

    [LibraryImport(MuJoCoLibrary, EntryPoint = "mj_deleteModel")]
    public static partial void mj_deleteModel(nint model);

    [LibraryImport(MuJoCoLibrary, EntryPoint = "mj_deleteData")]
    public static partial void mj_deleteData(nint data);

    [LibraryImport(MuJoCoLibrary, EntryPoint = "mj_resetData")]
    public static partial void mj_resetData(nint model, nint data);

    [LibraryImport(MuJoCoLibrary, EntryPoint = "mj_name2id", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mj_name2id(nint model, int type, string name);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_shim_header_version")]
    public static partial int rl_shim_header_version();

    [LibraryImport(ShimLibrary, EntryPoint = "rl_model_info_size")]
    public static partial int rl_model_info_size();

    [LibraryImport(ShimLibrary, EntryPoint = "rl_data_info_size")]
    public static partial int rl_data_info_size();

    [LibraryImport(ShimLibrary, EntryPoint = "rl_get_model_info")]
    public static partial void rl_get_model_info(nint model, ModelInfo* info);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_get_data_info")]
    public static partial void rl_get_data_info(nint data, DataInfo* info);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_install_error_handler")]
    public static partial void rl_install_error_handler();

    /// <summary>The message of the last engine error on this thread (UTF-8, owned by the shim).</summary>
    [LibraryImport(ShimLibrary, EntryPoint = "rl_last_error")]
    public static partial nint rl_last_error();

    // The guarded calls return 0 when MuJoCo raised an engine error (see rl_last_error), 1 otherwise.

    [LibraryImport(ShimLibrary, EntryPoint = "rl_make_data")]
    public static partial int rl_make_data(nint model, nint* data);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_step")]
    public static partial int rl_step(nint model, nint data, int frameSkip);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_mj_step")]
    public static partial int rl_mj_step(nint model, nint data);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_forward")]
    public static partial int rl_forward(nint model, nint data);

    [LibraryImport(ShimLibrary, EntryPoint = "rl_rne_post_constraint")]
    public static partial int rl_rne_post_constraint(nint model, nint data);
}

/// <summary>Thrown when a MuJoCo env is made on a machine without the MuJoCo library or the shim.</summary>
public sealed class MuJoCoUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);

/// <summary>Whether this process can run MuJoCo envs, and if not, why and what to install.</summary>
public static class MuJoCoLibrary
{
    private const string Install =
        "Install MuJoCo's C library and headers and a C compiler (Debian/Ubuntu: `sudo apt-get install libmujoco-dev gcc`), " +
        "then rebuild so that the shim librlalign_mujoco_shim.so is compiled against the installed headers.";

    private static readonly Lazy<(int Version, string? Problem)> Probe = new(ProbeOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when libmujoco and a matching shim load.</summary>
    public static bool IsAvailable => Probe.Value.Problem is null;

    /// <summary>Why MuJoCo envs cannot run here (with what to install), or null when they can.</summary>
    public static string? UnavailableReason => Probe.Value.Problem;

    /// <summary><c>mj_version()</c> of the loaded library (e.g. 222), or 0 when unavailable.</summary>
    public static int Version => Probe.Value.Version;

    /// <summary>Throws <see cref="MuJoCoUnavailableException"/> with the reason when MuJoCo cannot run.</summary>
    public static void EnsureAvailable()
    {
        if (Probe.Value.Problem is string problem) throw new MuJoCoUnavailableException(problem);
    }

    private static unsafe (int, string?) ProbeOnce()
    {
        MuJoCoNative.EnsureResolver();
        int version;
        try { version = MuJoCoNative.mj_version(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (0, $"The MuJoCo C library (libmujoco.so.2.2.2 or libmujoco.so) could not be loaded. {Install}");
        }
        int shimVersion;
        try
        {
            shimVersion = MuJoCoNative.rl_shim_header_version();
            if (MuJoCoNative.rl_model_info_size() != sizeof(ModelInfo) || MuJoCoNative.rl_data_info_size() != sizeof(DataInfo))
                return (0, "librlalign_mujoco_shim.so does not match this RlAlign.Envs.MuJoCo.dll (rebuild the project).");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (0, $"MuJoCo {version} is installed but the shim {MuJoCoNative.ShimFileName} was not built beside the app (the build needs the MuJoCo headers and gcc). {Install}");
        }
        if (shimVersion != version)
            return (0, $"The shim was compiled against MuJoCo headers {shimVersion} but the loaded library is {version}; struct layouts differ between versions. Rebuild against the installed libmujoco-dev.");
        try
        {
            // Engine errors then surface as MuJoCoEngineException instead of MuJoCo ending the process.
            MuJoCoNative.rl_install_error_handler();
        }
        catch (EntryPointNotFoundException)
        {
            return (0, "librlalign_mujoco_shim.so does not match this RlAlign.Envs.MuJoCo.dll (rebuild the project).");
        }
        return (version, null);
    }
}
