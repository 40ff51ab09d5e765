using RlAlign.Core;

namespace RlAlign.Envs.Classic;

/// <summary>Gymnasium's <c>classic_control/utils.py</c> helpers for reset options.</summary>
internal static class ResetBounds
{
    /// <summary>
    /// <c>maybe_parse_reset_bounds(options, default_low, default_high)</c>: the <c>low</c>/<c>high</c>
    /// reset options (any number, or a string that parses as one) or the defaults, rejecting low &gt; high.
    /// </summary>
    public static (double Low, double High) Parse(EnvOptions? options, double defaultLow, double defaultHigh)
    {
        if (options is null) return (defaultLow, defaultHigh);
        double low = options.Get("low", defaultLow);
        double high = options.Get("high", defaultHigh);
        if (low > high) throw new ArgumentException($"Lower bound ({low}) must be lower than higher bound ({high}).", nameof(options));
        return (low, high);
    }
}
