using System.Buffers.Binary;
using System.Text;
using RlAlign.Core;

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
/// The binary demonstrations file (<c>rlalign demos</c>), written atomically:
/// <code>
/// offset 0   8 bytes  magic "RLADEMO\n"
///        8   int32    format version (little endian)
///       12   int64    payload length in bytes
///       20   uint32   CRC-32 (IEEE) of the payload
///       24   payload  (BinaryWriter) env id, image width, image height, episode count, step count, then per
///                     episode: seed (uint64), mission, success, length, images (length × w·h·3 bytes),
///                     directions (length bytes), actions (length bytes)
/// </code>
/// </summary>
public static class DemonstrationFile
{
    public const int FormatVersion = 1;
    private const int HeaderSize = 24;
    private static ReadOnlySpan<byte> Magic => "RLADEMO\n"u8;

    public static void Write(string path, DemonstrationSet demos)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
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
        }
        int length = (int)payload.Length;
        byte[] body = payload.GetBuffer();
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(12), length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), Crc32.Ieee.Compute(body.AsSpan(0, length)));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(body, 0, length);
        });
    }

    /// <summary>
    /// Reads and verifies <paramref name="path"/>; with <paramref name="expectedEnvId"/>, the demonstrations must
    /// come from that env. Throws <see cref="FileNotFoundException"/> or <see cref="DemonstrationFileException"/>.
    /// </summary>
    public static DemonstrationSet Read(string path, string? expectedEnvId = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Demonstrations file '{path}' does not exist.", path);
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new DemonstrationFileException(path, "is not an RlAlign demonstrations file (its header is missing or wrong).");
        if (file.Length < HeaderSize)
            throw new DemonstrationFileException(path, $"is truncated: {file.Length} bytes, shorter than the {HeaderSize}-byte header.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        if (version != FormatVersion)
            throw new DemonstrationFileException(path, $"has format version {version}; this build reads version {FormatVersion}.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(12));
        long actual = file.Length - HeaderSize;
        if (length != actual)
            throw new DemonstrationFileException(path, length > actual
                ? $"is truncated: the header announces {length} payload bytes, but only {actual} are present."
                : $"is corrupt: the header announces {length} payload bytes, but {actual} are present.");
        if (Crc32.Ieee.Compute(file.AsSpan(HeaderSize)) != BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)))
            throw new DemonstrationFileException(path, "is corrupt: its checksum does not match its content.");

        using var reader = new BinaryReader(new MemoryStream(file, HeaderSize, (int)length, writable: false), Encoding.UTF8);
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
