namespace RlAlign.Core.Vector;

/// <summary>Gymnasium's <c>SyncVectorEnv</c>: steps the envs one after another in the caller's thread.</summary>
public sealed class SyncVectorEnv : VectorEnv
{
    public SyncVectorEnv(IReadOnlyList<IEnv> envs) : base(envs) { }

    /// <summary>Builds env i with <paramref name="makeEnv"/>(i).</summary>
    public SyncVectorEnv(Func<int, IEnv> makeEnv, int numEnvs) : base(MakeEnvs(makeEnv, numEnvs)) { }

    protected override void Dispatch() => RunRange(0, NumEnvs);
}
