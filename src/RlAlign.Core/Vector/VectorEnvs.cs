namespace RlAlign.Core.Vector;

/// <summary>How a vector env runs its envs.</summary>
public enum VectorMode
{
    /// <summary>One after another in the caller's thread (<see cref="SyncVectorEnv"/>).</summary>
    Sync,

    /// <summary>In parallel on worker threads (<see cref="ThreadedVectorEnv"/>).</summary>
    Threaded,
}

/// <summary>Gymnasium's <c>make_vec</c>: a vector env of registered envs.</summary>
public static class VectorEnvs
{
    /// <summary>
    /// Makes <paramref name="numEnvs"/> copies of <paramref name="id"/> with <see cref="Envs.Make"/>
    /// (so each has the registered time limit), each wrapped by <paramref name="wrap"/> when given.
    /// </summary>
    public static IVectorEnv Make(string id, int numEnvs, VectorMode mode = VectorMode.Sync, EnvOptions? options = null, Func<IEnv, IEnv>? wrap = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"VectorEnvs.Make needs numEnvs > 0, got {numEnvs}.");
        IEnv MakeOne(int _)
        {
            IEnv env = Envs.Make(id, options);
            if (wrap is null) return env;
            try
            {
                return wrap(env);
            }
            catch
            {
                env.Dispose();
                throw;
            }
        }
        return mode switch
        {
            VectorMode.Sync => new SyncVectorEnv(MakeOne, numEnvs),
            VectorMode.Threaded => new ThreadedVectorEnv(MakeOne, numEnvs),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown vector mode {mode}."),
        };
    }
}
