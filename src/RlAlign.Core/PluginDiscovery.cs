using System.Reflection;

namespace RlAlign.Core;

/// <summary>
/// Finds implementations of an extension interface (env registrars, trace replayers) in RlAlign
/// assemblies: the loaded ones and every <c>RlAlign.Envs.*.dll</c> beside the app, so referencing an
/// env package is enough to make its envs available.
/// </summary>
internal static class PluginDiscovery
{
    public static IReadOnlyList<T> CreateAll<T>() where T : class
    {
        LoadEnvAssemblies();
        var instances = new List<T>();
        var seen = new HashSet<Type>();
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || !(assembly.GetName().Name ?? "").StartsWith("RlAlign", StringComparison.Ordinal)) continue;
            foreach (Type type in assembly.GetExportedTypes())
            {
                if (type.IsAbstract || type.IsInterface || !typeof(T).IsAssignableFrom(type) || !seen.Add(type)) continue;
                instances.Add((T)Activator.CreateInstance(type)!);
            }
        }
        return instances;
    }

    private static void LoadEnvAssemblies()
    {
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "RlAlign.Envs.*.dll"))
        {
            try { Assembly.Load(AssemblyName.GetAssemblyName(file)); }
            catch (BadImageFormatException) { }
        }
    }
}
