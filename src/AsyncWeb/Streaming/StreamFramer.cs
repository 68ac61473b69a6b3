using System;
using System.Collections.Generic;
using System.Text;

namespace AsyncWeb.Streaming;

/// <summary>
/// Cuts a response body into units as its bytes arrive: bytes in (any chunking, any split point), units out.
/// A framer knows nothing of HTTP or PowerShell; one instance reads one body, on one thread at a time.
/// </summary>
internal abstract class StreamFramer
{
    private static readonly byte[] s_utf8Bom = { 0xEF, 0xBB, 0xBF };

    // How many bytes of a leading UTF-8 BOM have been matched; 3 once the start of the body is decided.
    private int _bomMatched;

    protected StreamFramer(int maximumUnitBytes)
    {
        if (maximumUnitBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maximumUnitBytes), maximumUnitBytes, "The maximum unit size must be positive.");
        }

        MaximumUnitBytes = maximumUnitBytes;
    }

    /// <summary>The largest unit (event data, line, record, element) in bytes; a larger one throws <see cref="StreamUnitTooLargeException"/>.</summary>
    public int MaximumUnitBytes { get; }

    /// <summary>
    /// A framer for <paramref name="format"/>. <paramref name="charset"/> is the Content-Type's (null: UTF-8); server-sent
    /// events are always UTF-8 as the standard says. Other charsets are transcoded to UTF-8 before framing.
    /// Auto frames JSON: a body that starts with '[' streams its elements, any other body each top-level JSON value.
    /// Resolve a media type with <see cref="FromMediaType"/> first.
    /// </summary>
    public static StreamFramer Create(WebStreamFormat format, int maximumUnitBytes, Encoding? charset)
    {
        if (format == WebStreamFormat.ServerSentEvents)
        {
            return new ServerSentEventFramer(maximumUnitBytes);
        }

        StreamFramer framer = format switch
        {
            WebStreamFormat.Lines => new TextLineFramer(maximumUnitBytes, skipBlankLines: false),
            WebStreamFormat.JsonLines => new TextLineFramer(maximumUnitBytes, skipBlankLines: true),
            WebStreamFormat.JsonSequence => new JsonSequenceFramer(maximumUnitBytes),
            WebStreamFormat.JsonArray => new JsonArrayFramer(maximumUnitBytes),
            WebStreamFormat.Auto => new JsonValuesFramer(maximumUnitBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a stream format."),
        };

        return IsUtf8Compatible(charset) ? framer : new TranscodingFramer(framer, charset!);
    }

    /// <summary>
    /// The format a media type (Content-Type without parameters) streams as: text/event-stream, the JSON lines types,
    /// application/json-seq; Auto for JSON (application/json, */*+json: decided by the body's first character);
    /// Lines for text/* and anything else, including no media type.
    /// </summary>
    public static WebStreamFormat FromMediaType(string? mediaType)
    {
        var type = (mediaType ?? string.Empty).Trim();
        var semicolon = type.IndexOf(';');
        if (semicolon >= 0)
        {
            type = type.Substring(0, semicolon).Trim();
        }

        if (type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return WebStreamFormat.ServerSentEvents;
        }

        if (type.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/ndjson", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-jsonl", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/jsonlines", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-jsonlines", StringComparison.OrdinalIgnoreCase))
        {
            return WebStreamFormat.JsonLines;
        }

        if (type.Equals("application/json-seq", StringComparison.OrdinalIgnoreCase))
        {
            return WebStreamFormat.JsonSequence;
        }

        if (type.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return WebStreamFormat.Auto;
        }

        return WebStreamFormat.Lines;
    }

    /// <summary>Frames the next bytes of the body; complete units are added to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        if (_bomMatched < 3)
        {
            chunk = SkipBom(chunk, output);
        }

        if (!chunk.IsEmpty)
        {
            FeedCore(chunk, output);
        }
    }

    /// <summary>The body ended: flushes a last unterminated line or value, or throws <see cref="StreamFormatException"/> for a truncated one.</summary>
    public void Complete(ICollection<StreamUnit> output)
    {
        if (_bomMatched < 3)
        {
            // A body shorter than a BOM that began like one: those bytes are data.
            var matched = _bomMatched;
            _bomMatched = 3;
            if (matched > 0)
            {
                FeedCore(s_utf8Bom.AsSpan(0, matched), output);
            }
        }

        CompleteCore(output);
    }

    protected abstract void FeedCore(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output);

    protected abstract void CompleteCore(ICollection<StreamUnit> output);

    /// <summary>A new body begins (a reconnection): its first bytes may be a BOM again.</summary>
    protected void RestartBody() => _bomMatched = 0;

    /// <summary>JSON's insignificant whitespace: space, tab, LF, CR.</summary>
    protected static bool IsJsonWhitespace(byte b) => b == (byte)' ' || b == (byte)'\n' || b == (byte)'\r' || b == (byte)'\t';

    /// <summary>The chunk without its leading JSON whitespace.</summary>
    protected static ReadOnlySpan<byte> SkipJsonWhitespace(ReadOnlySpan<byte> chunk)
    {
        var i = 0;
        while (i < chunk.Length && IsJsonWhitespace(chunk[i]))
        {
            i++;
        }

        return chunk.Slice(i);
    }

    private static bool IsUtf8Compatible(Encoding? charset) =>
        charset is null || charset.CodePage == Encoding.UTF8.CodePage || charset.CodePage == 20127;

    private ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> chunk, ICollection<StreamUnit> output)
    {
        while (_bomMatched < 3 && !chunk.IsEmpty)
        {
            if (chunk[0] != s_utf8Bom[_bomMatched])
            {
                // Not a BOM after all: the bytes that looked like its start are data.
                var matched = _bomMatched;
                _bomMatched = 3;
                if (matched > 0)
                {
                    FeedCore(s_utf8Bom.AsSpan(0, matched), output);
                }

                return chunk;
            }

            _bomMatched++;
            chunk = chunk.Slice(1);
        }

        return chunk;
    }
}
