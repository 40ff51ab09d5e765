namespace RlAlign.Algorithms;

/// <summary>
/// Generalised advantage estimation, GAE(γ, λ), exactly as CleanRL's ppo.py (spec §0.2).
/// Rollout arrays are step-major: element <c>t * numEnvs + e</c> is env e at step t.
/// </summary>
public static class Gae
{
    /// <param name="rewards">r_t, [T * N].</param>
    /// <param name="values">V(s_t), [T * N].</param>
    /// <param name="dones">1 where s_t is the first observation after an episode ended (CleanRL's <c>dones[t]</c>), [T * N].</param>
    /// <param name="nextValues">V(s_T) of the observation after the rollout, [N].</param>
    /// <param name="nextDones">Whether s_T starts a new episode, [N].</param>
    /// <param name="advantages">Output, [T * N].</param>
    /// <param name="returns">Output: advantages + values (the value targets), [T * N].</param>
    /// <param name="bootstrapOnTruncation">
    /// When true, a step whose episode was truncated (time limit) rather than terminated gets
    /// <c>γ · V(s_final)</c> added to its reward, so a time-out is not treated as a true end. False is CleanRL's behaviour.
    /// </param>
    /// <param name="truncatedFinalValues">
    /// V(s_final) at steps whose episode was truncated and 0 elsewhere, [T * N]; read only with <paramref name="bootstrapOnTruncation"/>.
    /// </param>
    public static void Compute(
        ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> dones,
        ReadOnlySpan<float> nextValues,
        ReadOnlySpan<float> nextDones,
        float gamma,
        float lambda,
        Span<float> advantages,
        Span<float> returns,
        bool bootstrapOnTruncation = false,
        ReadOnlySpan<float> truncatedFinalValues = default)
    {
        int numEnvs = nextValues.Length;
        int length = rewards.Length;
        if (numEnvs == 0 || nextDones.Length != numEnvs)
            throw new ArgumentException($"GAE needs one next value and one next done per env, got {nextValues.Length} and {nextDones.Length}.");
        if (length % numEnvs != 0)
            throw new ArgumentException($"GAE got {length} rewards, not a whole number of steps of {numEnvs} envs.");
        if (values.Length != length || dones.Length != length || advantages.Length != length || returns.Length != length)
            throw new ArgumentException($"GAE needs rewards, values, dones, advantages and returns of equal length, got {length}, {values.Length}, {dones.Length}, {advantages.Length}, {returns.Length}.");
        if (bootstrapOnTruncation && truncatedFinalValues.Length != length)
            throw new ArgumentException($"GAE with bootstrapOnTruncation needs {length} truncated final values, got {truncatedFinalValues.Length}.");

        int numSteps = length / numEnvs;
        for (int e = 0; e < numEnvs; e++)
        {
            float lastGae = 0;
            for (int t = numSteps - 1; t >= 0; t--)
            {
                int i = t * numEnvs + e;
                bool last = t == numSteps - 1;
                float nonTerminal = 1f - (last ? nextDones[e] : dones[i + numEnvs]);
                float nextValue = last ? nextValues[e] : values[i + numEnvs];
                float reward = bootstrapOnTruncation ? rewards[i] + gamma * truncatedFinalValues[i] : rewards[i];
                float delta = reward + gamma * nextValue * nonTerminal - values[i];
                lastGae = delta + gamma * lambda * nonTerminal * lastGae;
                advantages[i] = lastGae;
                returns[i] = lastGae + values[i];
            }
        }
    }
}
