namespace RlAlign.Core;

/// <summary>
/// Table-driven, reflected CRC-32 in the variants the file formats we write need: IEEE (zlib, PNG,
/// RlAlign checkpoints) and Castagnoli (TFRecord, i.e. TensorBoard event files).
/// </summary>
public sealed class Crc32
{
    public static readonly Crc32 Ieee = new(0xEDB88320u);
    public static readonly Crc32 Castagnoli = new(0x82F63B78u);

    private readonly uint[] _table = new uint[256];

    private Crc32(uint reflectedPolynomial)
    {
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? reflectedPolynomial ^ (c >> 1) : c >> 1;
            _table[i] = c;
        }
    }

    public uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data) crc = _table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
