using RlAlign.Core.Random;

namespace RlAlign.Core.Spaces;

/// <summary>
/// <c>Text(max_length, min_length, charset)</c>. In a flat buffer a string is stored as
/// <see cref="MaxLength"/> charset indices, padded with <c>charset.Length</c> (Gymnasium's flatten layout).
/// </summary>
public sealed class Text : Space
{
    /// <summary>Gymnasium's default charset: ASCII letters and digits.</summary>
    public const string AlphanumericCharset = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly int[] ScalarShape = [];

    public Text(int maxLength, int minLength = 1, string charset = AlphanumericCharset)
    {
        if (minLength < 0 || maxLength < minLength)
            throw new ArgumentException($"Text needs 0 <= min_length <= max_length, got {minLength} and {maxLength}.");
        if (charset.Length == 0) throw new ArgumentException("Text needs a non-empty charset.");
        MaxLength = maxLength;
        MinLength = minLength;
        Charset = charset;
    }

    public int MaxLength { get; }
    public int MinLength { get; }
    public string Charset { get; }
    public override IReadOnlyList<int> Shape => ScalarShape;
    public override int FlatSize => MaxLength;
    public override int FlatDim => MaxLength;

    /// <summary>Gymnasium: length = <c>integers(min_length, max_length + 1)</c>, then that many <c>choice(charset)</c>.</summary>
    public string SampleString(NumpyGenerator rng)
    {
        int length = (int)rng.Integers(MinLength, MaxLength + 1);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = Charset[(int)rng.Integers(0, Charset.Length)];
        return new string(chars);
    }

    public override void Sample(NumpyGenerator rng, Span<float> destination) => Encode(SampleString(rng), destination);

    public bool Contains(string value)
    {
        if (value.Length < MinLength || value.Length > MaxLength) return false;
        foreach (char c in value)
            if (Charset.IndexOf(c) < 0) return false;
        return true;
    }

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != MaxLength) return false;
        int length = 0;
        bool padding = false;
        foreach (float v in value)
        {
            if (v == Charset.Length) { padding = true; continue; }
            if (padding || v < 0 || v >= Charset.Length || v != MathF.Floor(v)) return false;
            length++;
        }
        return length >= MinLength;
    }

    public void Encode(string text, Span<float> destination)
    {
        if (!Contains(text)) throw new ArgumentException($"\"{text}\" is not in {this}.");
        destination[..MaxLength].Fill(Charset.Length);
        for (int i = 0; i < text.Length; i++) destination[i] = Charset.IndexOf(text[i]);
    }

    public string Decode(ReadOnlySpan<float> value)
    {
        var chars = new List<char>(MaxLength);
        foreach (float v in value[..MaxLength])
        {
            if (v >= Charset.Length) break;
            chars.Add(Charset[(int)v]);
        }
        return new string(chars.ToArray());
    }

    public override void Flatten(ReadOnlySpan<float> value, Span<float> destination) => value[..MaxLength].CopyTo(destination);

    public override string ToString() => $"Text({MinLength}, {MaxLength}, charset={(Charset == AlphanumericCharset ? "alphanumeric" : Charset)})";
}
