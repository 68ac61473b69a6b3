using System;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// The bytes of one unit that spans chunks. It grows to the largest unit seen (never past the framer's limit)
/// and is reused, so framing allocates per unit, not per chunk or byte.
/// </summary>
internal sealed class UnitBuffer
{
    private byte[] _bytes = Array.Empty<byte>();

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Append(ReadOnlySpan<byte> data)
    {
        Reserve(data.Length);
        data.CopyTo(_bytes.AsSpan(Length));
        Length += data.Length;
    }

    public void Append(byte value)
    {
        Reserve(1);
        _bytes[Length++] = value;
    }

    public void Clear() => Length = 0;

    private void Reserve(int more)
    {
        if (Length + more > _bytes.Length)
        {
            var grown = new byte[Math.Max(Math.Max(256, Length + more), Math.Min(_bytes.Length * 2, Array.MaxLength))];
            _bytes.AsSpan(0, Length).CopyTo(grown);
            _bytes = grown;
        }
    }

    /// <summary>The first <paramref name="length"/> bytes as UTF-8 text.</summary>
    public string Decode(int length) => length == 0 ? string.Empty : Encoding.UTF8.GetString(_bytes, 0, length);
}
