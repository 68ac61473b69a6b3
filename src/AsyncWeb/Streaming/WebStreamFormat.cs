namespace AsyncWeb.Streaming;

/// <summary>
/// How a streamed response body is cut into units (one pipeline object each). Auto reads the Content-Type:
/// text/event-stream, the JSON lines types, application/json-seq and text/* have their own format; JSON bodies
/// stream a top-level array element by element, or else each top-level JSON value as it completes.
/// </summary>
public enum WebStreamFormat
{
    /// <summary>Chosen from the response's Content-Type (and, for JSON, from the body's first character).</summary>
    Auto = 0,

    /// <summary>Server-sent events (text/event-stream) as the WHATWG HTML standard interprets them: one unit per dispatched event.</summary>
    ServerSentEvents = 1,

    /// <summary>One JSON text per line (application/x-ndjson, application/jsonl); blank lines are skipped.</summary>
    JsonLines = 2,

    /// <summary>JSON text sequences (application/json-seq, RFC 7464): each record starts with RS (0x1E).</summary>
    JsonSequence = 3,

    /// <summary>Plain text lines ending in LF or CRLF, blank lines included.</summary>
    Lines = 4,

    /// <summary>The elements of a top-level JSON array, one unit each, read incrementally with flat memory.</summary>
    JsonArray = 5,
}
