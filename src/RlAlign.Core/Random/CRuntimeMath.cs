using System.Runtime.InteropServices;

namespace RlAlign.Core.Random;

/// <summary>
/// The C runtime's <c>log1p</c>, which NumPy's normal sampler calls in its tail. .NET has no log1p of its own
/// (<see cref="double.LogP1"/> computes <c>Log(x + 1)</c>, which rounds differently for small x), so the platform's
/// C math library is called: the same function NumPy calls on the same machine, hence the same bits.
/// </summary>
internal static unsafe class CRuntimeMath
{
    private static readonly Lazy<nint> Log1PAddress = new(() => Resolve("log1p"), LazyThreadSafetyMode.PublicationOnly);

    /// <summary><c>log1p(x)</c> = ln(1 + x), accurate for x near zero.</summary>
    /// <exception cref="PlatformNotSupportedException">No C math library exporting <c>log1p</c> was found.</exception>
    public static double Log1P(double x) => ((delegate* unmanaged<double, double>)Log1PAddress.Value)(x);

    private static nint Resolve(string name)
    {
        string[] libraries =
            OperatingSystem.IsWindows() ? ["ucrtbase.dll", "msvcrt.dll"]
            : OperatingSystem.IsMacOS() ? ["/usr/lib/libSystem.B.dylib"]
            : ["libm.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1", "libm.so"];
        foreach (string library in libraries)
        {
            if (NativeLibrary.TryLoad(library, out nint handle) && NativeLibrary.TryGetExport(handle, name, out nint address))
                return address;
        }
        throw new PlatformNotSupportedException(
            $"The C math library's {name} is needed to reproduce NumPy's normal draws, but none of {string.Join(", ", libraries)} could be loaded.");
    }
}
