using System.Text.Json;

namespace RlAlign.Core.Tests;

/// <summary>
/// Reference vectors committed with the tests (<c>Data/</c>, copied beside the test assembly); each file says which
/// script produced it.
/// </summary>
public static class TestData
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Data", fileName);

    public static JsonDocument Load(string fileName) => JsonDocument.Parse(File.ReadAllBytes(PathOf(fileName)));

    /// <summary>A float64 stored as its bit pattern (<c>"0x3ff0000000000000"</c>).</summary>
    public static double Double(JsonElement bits) => BitConverter.UInt64BitsToDouble(UInt64(bits));

    /// <summary>A <c>"0x…"</c> hex string as an unsigned 64-bit value.</summary>
    public static ulong UInt64(JsonElement hex) => Convert.ToUInt64(hex.GetString(), 16);
}
