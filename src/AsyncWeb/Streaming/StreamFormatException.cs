using System;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// The body does not have the stream format's shape (not a JSON array, trailing data, a record without RS, a
/// truncated array). The message quotes at most a short excerpt of the body, never the body itself.
/// </summary>
internal sealed class StreamFormatException : Exception
{
    /// <summary>The most bytes of the body a message quotes.</summary>
    public const int ExcerptBytes = 24;

    public StreamFormatException(string message)
        : base(message)
    {
    }

    /// <summary>A message that quotes the start of <paramref name="data"/>: at most <see cref="ExcerptBytes"/> bytes, control characters escaped.</summary>
    public static StreamFormatException At(string problem, ReadOnlySpan<byte> data)
    {
        var cut = data.Length > ExcerptBytes;
        var text = Encoding.UTF8.GetString(data.Slice(0, Math.Min(data.Length, ExcerptBytes)));
        var quoted = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                quoted.Append(c);
            }
        }

        return new StreamFormatException(problem + " (at '" + quoted + (cut ? "…'" : "'") + ").");
    }
}
