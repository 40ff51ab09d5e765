namespace RlAlign.Algorithms.Imitation;

/// <summary>A demonstrations file that cannot be used: not one, truncated, corrupt, or recorded on another env.</summary>
public sealed class DemonstrationFileException(string path, string problem)
    : IOException($"Demonstrations file '{path}' {problem}")
{
    public string Path { get; } = path;
}

/// <summary>
/// One recorded episode: the mission, and per step the agent's egocentric image (width × height × 3 bytes in
/// the observation's C order), its direction and the action the expert took.
/// </summary>
public sealed record DemoEpisode(ulong Seed, string Mission, bool Success, byte[] Images, byte[] Directions, byte[] Actions)
{
    public int Length => Actions.Length;
}

/// <summary>Demonstrations of one env: its id, the image size and the episodes.</summary>
public sealed record DemonstrationSet(string EnvId, int ImageWidth, int ImageHeight, IReadOnlyList<DemoEpisode> Episodes)
{
    public const int ImageChannels = 3;

    public int ImageSize => ImageWidth * ImageHeight * ImageChannels;
    public long StepCount => Episodes.Sum(e => (long)e.Length);
}

/// <summary>
/// The binary demonstrations file (<c>rlalign demos</c>): a <see cref="ChecksummedFile"/> with magic "RLADEMO\n",
/// written atomically, whose payload is the env id, image width, image height, episode count, step count, then
/// per episode: seed (uint64), mission, success, length, images (length × w·h·3 bytes), directions (length
/// bytes), actions (length bytes).
/// </summary>
public static class DemonstrationFile
{
    public const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "RLADEMO\n"u8;

    public static void Write(string path, DemonstrationSet demos)
    {
        ChecksummedFile.Write(path, Magic, FormatVersion, writer =>
        {
            writer.Write(demos.EnvId);
            writer.Write(demos.ImageWidth);
            writer.Write(demos.ImageHeight);
            writer.Write(demos.Episodes.Count);
            writer.Write(demos.StepCount);
            foreach (DemoEpisode episode in demos.Episodes)
            {
                if (episode.Images.Length != episode.Length * demos.ImageSize || episode.Directions.Length != episode.Length)
                    throw new ArgumentException($"Episode with seed {episode.Seed} has {episode.Length} actions but {episode.Images.Length} image bytes and {episode.Directions.Length} directions.");
                writer.Write(episode.Seed);
                writer.Write(episode.Mission);
                writer.Write(episode.Success);
                writer.Write(episode.Length);
                writer.Write(episode.Images);
                writer.Write(episode.Directions);
                writer.Write(episode.Actions);
            }
        });
    }

    /// <summary>
    /// Reads and verifies <paramref name="path"/>; with <paramref name="expectedEnvId"/>, the demonstrations must
    /// come from that env. Throws <see cref="FileNotFoundException"/> or <see cref="DemonstrationFileException"/>.
    /// </summary>
    public static DemonstrationSet Read(string path, string? expectedEnvId = null)
    {
        using BinaryReader reader = ChecksummedFile.Open(path, Magic, FormatVersion, "Demonstrations file", "an RlAlign demonstrations file",
            problem => new DemonstrationFileException(path, problem));
        try
        {
            string envId = reader.ReadString();
            if (expectedEnvId is not null && envId != expectedEnvId)
                throw new DemonstrationFileException(path, $"holds demonstrations of '{envId}', not of '{expectedEnvId}'.");
            int width = reader.ReadInt32(), height = reader.ReadInt32(), count = reader.ReadInt32();
            long steps = reader.ReadInt64();
            int imageSize = width * height * DemonstrationSet.ImageChannels;
            var episodes = new List<DemoEpisode>(count);
            for (int i = 0; i < count; i++)
            {
                ulong seed = reader.ReadUInt64();
                string mission = reader.ReadString();
                bool success = reader.ReadBoolean();
                int episodeLength = reader.ReadInt32();
                byte[] images = reader.ReadBytes(episodeLength * imageSize);
                byte[] directions = reader.ReadBytes(episodeLength);
                byte[] actions = reader.ReadBytes(episodeLength);
                if (actions.Length != episodeLength) throw new EndOfStreamException();
                episodes.Add(new DemoEpisode(seed, mission, success, images, directions, actions));
            }
            var demos = new DemonstrationSet(envId, width, height, episodes);
            if (demos.StepCount != steps || reader.BaseStream.Position != reader.BaseStream.Length)
                throw new DemonstrationFileException(path, $"is corrupt: it announces {count} episodes of {steps} steps in all, but its content does not match.");
            return demos;
        }
        catch (EndOfStreamException)
        {
            throw new DemonstrationFileException(path, "is corrupt: its payload ends in the middle of an episode.");
        }
    }
}
