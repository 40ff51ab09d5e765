namespace RlAlign.Algorithms;

/// <summary>A checkpoint file that cannot be used: not a checkpoint, truncated, corrupt, or made by another algorithm or env.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"Checkpoint '{path}' {problem}", inner)
{
    public string Path { get; } = path;
}

/// <summary>
/// The container every trainer checkpoint uses: a <see cref="ChecksummedFile"/> with magic "RLACKPT\n", written
/// atomically (a reader sees the old file or the complete new one, never a torn one). The payload is written by
/// the trainer with a BinaryWriter and starts with the algorithm's name.
/// </summary>
public static class CheckpointFile
{
    public const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "RLACKPT\n"u8;

    /// <summary>Writes <paramref name="algorithm"/> and the payload from <paramref name="writePayload"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string algorithm, Action<BinaryWriter> writePayload)
        => ChecksummedFile.Write(path, Magic, FormatVersion, writer =>
        {
            writer.Write(algorithm);
            writePayload(writer);
        });

    /// <summary>The name of the algorithm that wrote the checkpoint at <paramref name="path"/> (the file is verified first).</summary>
    public static string ReadAlgorithm(string path)
    {
        using BinaryReader reader = ChecksummedFile.Open(path, Magic, FormatVersion, "Checkpoint", "an RlAlign checkpoint",
            problem => new CheckpointException(path, problem));
        return reader.ReadString();
    }

    /// <summary>
    /// Reads and verifies the file at <paramref name="path"/> and returns a reader positioned after the
    /// algorithm name, which must be <paramref name="algorithm"/>. Throws <see cref="FileNotFoundException"/>
    /// for a missing file and <see cref="CheckpointException"/> for anything unusable.
    /// </summary>
    public static BinaryReader Open(string path, string algorithm)
    {
        BinaryReader reader = ChecksummedFile.Open(path, Magic, FormatVersion, "Checkpoint", "an RlAlign checkpoint",
            problem => new CheckpointException(path, problem));
        string saved = reader.ReadString();
        if (saved != algorithm)
        {
            reader.Dispose();
            throw new CheckpointException(path, $"was written by the '{saved}' trainer, not '{algorithm}'.");
        }
        return reader;
    }
}
