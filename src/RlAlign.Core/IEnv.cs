using RlAlign.Core.Spaces;

namespace RlAlign.Core;

/// <summary>What one <see cref="IEnv.Step"/> returns besides the observation (Gymnasium's reward, terminated, truncated).</summary>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    public bool Done => Terminated || Truncated;
}

/// <summary>An RGB frame, row-major, 3 bytes per pixel.</summary>
public sealed record RenderFrame(int Width, int Height, byte[] Rgb);

/// <summary>
/// A Gymnasium environment. Observations and actions are flat float32 values laid out as their
/// space's <see cref="Space.FlatSize"/> (a discrete action is its integer): the env writes the
/// observation into a buffer the caller owns, so stepping allocates nothing. The extension methods in
/// <see cref="EnvExtensions"/> give the familiar array-returning <c>Reset</c>/<c>Step</c>.
/// </summary>
public interface IEnv : IDisposable
{
    Space ObservationSpace { get; }
    Space ActionSpace { get; }

    /// <summary>The registry entry this env was made from (null for envs built directly).</summary>
    EnvSpec? Spec { get; set; }

    /// <summary>The innermost env under all wrappers.</summary>
    IEnv Unwrapped { get; }

    /// <summary>
    /// Starts a new episode. With a seed, the env's generator is re-created from it (Gymnasium's
    /// <c>reset(seed=...)</c>); without one, it keeps drawing from the current generator.
    /// </summary>
    void Reset(Span<float> observation, ulong? seed = null, EnvOptions? options = null);

    /// <summary>Advances one step with <paramref name="action"/> and writes the next observation.</summary>
    StepResult Step(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>An RGB frame of the current state, or null when the env does not render.</summary>
    RenderFrame? Render() => null;
}
