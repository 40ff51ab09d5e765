namespace RlAlign.Alignment.Tasks;

/// <summary>Independent random streams from one user seed (prompts, demonstrator noise, labels), so adding draws to one stream never shifts another.</summary>
internal static class SeedStreams
{
    public const ulong Demonstrations = 1, PairDemonstrations = 2, PairLabels = 3, PreferencePrompts = 4;

    /// <summary>SplitMix64's finaliser over the seed offset by the stream: nearby seeds and streams give unrelated seeds.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        unchecked
        {
            ulong z = seed + stream * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
