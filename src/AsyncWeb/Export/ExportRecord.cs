using System;
using System.Collections.Generic;
using AsyncWeb.Timing;

namespace AsyncWeb.Export;

/// <summary>
/// What an export (HAR, HTML report) knows of one result, whatever shape the result arrived in (live,
/// deserialized): read once by the binding layer, written by <see cref="HarWriter"/> and counted by
/// <see cref="BatchReport"/>. Secrets are still in it: the writers redact.
/// </summary>
internal sealed class ExportRecord
{
    public static readonly IReadOnlyList<KeyValuePair<string, string>> NoHeaders = Array.Empty<KeyValuePair<string, string>>();

    public long Index { get; init; }
    public int PageIndex { get; init; }
    public string Method { get; init; } = "GET";

    /// <summary>The requested URI; null for an item that was not a usable URI (then <see cref="GivenUri"/> is its text).</summary>
    public Uri? Uri { get; init; }

    /// <summary>The URI of the final response, after redirects.</summary>
    public Uri? FinalUri { get; init; }

    /// <summary>The item's URI as given, when it was not a usable URI.</summary>
    public string? GivenUri { get; init; }

    /// <summary>0 when no response arrived.</summary>
    public int StatusCode { get; init; }
    public string? ReasonPhrase { get; init; }
    public Version? ProtocolVersion { get; init; }

    /// <summary>When the first attempt started, UTC; null when not known.</summary>
    public DateTime? StartUtc { get; init; }

    /// <summary>The item's wall time: every attempt, retry delay and host pause.</summary>
    public double ElapsedMs { get; init; }
    public PhaseFacts Phases { get; init; }
    public int Attempts { get; init; }

    /// <summary>The headers the item itself carried (its input's Headers): session and batch headers are not on results.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; } = NoHeaders;
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; } = NoHeaders;
    public string? ContentType { get; init; }
    public long ContentLength { get; init; }

    /// <summary>The body as text (textual media types); null for binary bodies and downloads.</summary>
    public string? Content { get; init; }

    /// <summary>True when the body was binary (RawContent): never exported, as nothing in it can be redacted.</summary>
    public bool BinaryContent { get; init; }
    public string? OutFile { get; init; }
    public long BytesSent { get; init; }

    /// <summary>Null for a success.</summary>
    public string? ErrorId { get; init; }
    public string? ErrorMessage { get; init; }
    public string? RemoteAddress { get; init; }
    public bool Skipped { get; init; }
    public bool FromJournal { get; init; }
    public int? HostLimit { get; init; }
    public double HostWaitMs { get; init; }

    /// <summary>The redaction rules of the batch the result came from (live results); null for the export's own.</summary>
    public Security.UriRedactor? Redactor { get; init; }

    /// <summary>A request went out: results never sent (the journal's, -SkipExisting, invalid input) are no HAR entry.</summary>
    public bool Sent => Attempts > 0;

    /// <summary>The URI the response came from (the final one after redirects), else the requested one.</summary>
    public Uri? EffectiveUri => FinalUri ?? Uri;
}
