namespace RlAlign.Core;

/// <summary>
/// Something whose complete state (including any random generator) can be written and read back, so
/// that a restored object continues exactly as the original would have. Envs and wrappers implement it
/// for checkpoint/resume and for branching (snapshots for vine sampling); a wrapper writes its own
/// state and then its inner env's.
/// </summary>
public interface IStateful
{
    void SaveState(BinaryWriter writer);
    void LoadState(BinaryReader reader);
}

public static class StatefulExtensions
{
    /// <summary>An in-memory snapshot of <paramref name="stateful"/>.</summary>
    public static byte[] Snapshot(this IStateful stateful)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) stateful.SaveState(writer);
        return stream.ToArray();
    }

    public static void Restore(this IStateful stateful, byte[] snapshot)
    {
        using var reader = new BinaryReader(new MemoryStream(snapshot));
        stateful.LoadState(reader);
    }

    /// <summary>Saves <paramref name="env"/>'s state, or throws naming the first part of the wrapper chain that cannot be saved.</summary>
    public static void SaveEnvState(this IEnv env, BinaryWriter writer)
    {
        if (env is not IStateful stateful)
            throw new NotSupportedException($"{env.GetType().Name} cannot save its state (it does not implement IStateful).");
        stateful.SaveState(writer);
    }

    public static void LoadEnvState(this IEnv env, BinaryReader reader)
    {
        if (env is not IStateful stateful)
            throw new NotSupportedException($"{env.GetType().Name} cannot load a saved state (it does not implement IStateful).");
        stateful.LoadState(reader);
    }
}
