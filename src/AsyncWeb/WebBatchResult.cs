using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Security.Authentication;
using AsyncWeb.Security;
using AsyncWeb.Sending;
using AsyncWeb.Timing;

namespace AsyncWeb;

/// <summary>
/// The outcome of one input item: a response (any status), a download, or a failure.
/// Exactly one is produced per input item, in completion order (or input order with -Ordered).
/// </summary>
public sealed partial class WebBatchResult
{
    /// <summary>Position of the item in the input, from 0; correlates results with input rows.</summary>
    public long Index { get; internal set; }

    /// <summary>The requested URI (after resolving against a session base), or null when the input was not a usable URI.</summary>
    public Uri? Uri { get; internal set; }

    /// <summary>The URI of the final response after redirects.</summary>
    public Uri? FinalUri { get => Answer.FinalUri; internal set => Answer = Answer with { FinalUri = value }; }

    /// <summary>HTTP method sent.</summary>
    public string Method { get; internal set; } = "GET";

    /// <summary>HTTP status code of the final response; 0 when no response arrived.</summary>
    public int StatusCode { get => Answer.StatusCode; internal set => Answer = Answer with { StatusCode = value }; }

    /// <summary>Reason phrase of the final response.</summary>
    public string? ReasonPhrase { get => Answer.ReasonPhrase; internal set => Answer = Answer with { ReasonPhrase = value }; }

    /// <summary>True when the item has no Error: its response's status is not an error (or -SkipHttpErrorCheck was given) and any download completed, or it was skipped (SkipReason) or came from the journal.</summary>
    public bool Success => Error is null;

    /// <summary>True when no file was written because it already existed (-SkipExisting) or had not changed on the server (-IfChanged); see SkipReason.</summary>
    public bool Skipped { get => Answer.Skipped; internal set => Answer = Answer with { Skipped = value }; }

    /// <summary>Response headers and content headers, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string[]> Headers
    {
#if NET
        get => HeldHeaders is ResponseHeaderView view ? view.Table : HeldHeaders; // the table is built on first read, not per request
#else
        get => HeldHeaders;
#endif
        internal set => Answer = Answer with { Headers = value };
    }

    /// <summary>The headers as the engine holds them (on .NET a view whose table may not be built yet): what it counts and looks up.</summary>
    internal IReadOnlyDictionary<string, string[]> HeldHeaders => Answer.Headers;

    /// <summary>Media type with parameters, e.g. "application/json; charset=utf-8".</summary>
    public string? ContentType { get => Answer.ContentType; internal set => Answer = Answer with { ContentType = value }; }

    /// <summary>Bytes of body received (after decompression), or written to OutFile.</summary>
    public long ContentLength { get => Answer.ContentLength; internal set => Answer = Answer with { ContentLength = value }; }

    /// <summary>Body as text for textual media types (decoded by charset, UTF-8 by default); null for binary bodies and downloads.</summary>
    public string? Content { get => Answer.Content; internal set => Answer = Answer with { Content = value }; }

    /// <summary>Body bytes for binary media types; null for text bodies and downloads.</summary>
    public byte[]? RawContent { get => Answer.RawContent; internal set => Answer = Answer with { RawContent = value }; }

    /// <summary>Full path of the downloaded file, when the body went to disk.</summary>
    public string? OutFile { get => Answer.OutFile; internal set => Answer = Answer with { OutFile = value }; }

    /// <summary>SHA-256 (hex, upper case) of the downloaded file.</summary>
    public string? Sha256 { get => Answer.Sha256; internal set => Answer = Answer with { Sha256 = value }; }

    /// <summary>True when the download continued a partial file with a Range request.</summary>
    public bool Resumed { get => Answer.Resumed; internal set => Answer = Answer with { Resumed = value }; }

    /// <summary>Wall time from the item's start to the end of the body: every attempt, retry delay and rate-limit wait.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Local time the first attempt started.</summary>
    public DateTimeOffset StartTime { get; internal set; }

    /// <summary>StartTime in UTC as a DateTime: what remoting, jobs and Export-Clixml carry exactly (a DateTimeOffset becomes text there).</summary>
    public DateTime StartTimeUtc => StartTime.UtcDateTime;

    /// <summary>Attempts made (1 when not retried; 0 when the item was never sent).</summary>
    public int Attempts { get; internal set; }

    /// <summary>Why the item failed; null on success.</summary>
    public WebBatchError? Error { get; internal set; }

    /// <summary>The original pipeline object (a URI string, CSV row, hashtable ...).</summary>
    public object? Input { get; internal set; }

    /// <summary>Protocol version of the final response, e.g. 1.1 or 2.0.</summary>
    public Version? ProtocolVersion { get => Answer.ProtocolVersion; internal set => Answer = Answer with { ProtocolVersion = value }; }

    // ---- Pagination and conditional re-fetch ----

    /// <summary>Which page of its item this result is: 0 for the item's own request, 1 for the next page ... (-FollowRelLink, -NextLink, -TotalCount).</summary>
    public int PageIndex { get; internal set; }

    /// <summary>Why the item was Skipped: FileExists (-SkipExisting) or NotModified (-IfChanged, the server answered 304); null when not skipped.</summary>
    public string? SkipReason { get => Answer.SkipReason; internal set => Answer = Answer with { SkipReason = value }; }


    // Uploads

    /// <summary>Request body bytes sent (-Body, -InFile, -Form) with the request that got the final response, or that failed.</summary>
    public long BytesSent { get => Answer.BytesSent; internal set => Answer = Answer with { BytesSent = value }; }

    // Streams (-Stream): the result that ends an item's stream carries no body, only its totals.

    /// <summary>-Stream: the events, lines or array elements the item's stream emitted (the last one's Sequence); null when the body was not streamed.</summary>
    public long? StreamItemCount { get => Answer.StreamItemCount; internal set => Answer = Answer with { StreamItemCount = value }; }

    /// <summary>-Stream: from the response headers to the stream's first item, in milliseconds; null before one (or without -Stream).</summary>
    public double? TimeToFirstStreamItemMs => Answer.TimeToFirstStreamItem is { } first ? Math.Round(first.TotalMilliseconds, 3) : null;

    // Where the time went (README, "Where the time went"): the phases of the item's last request, as curl's -w
    // reports them, in milliseconds to the microsecond. Null when a phase did not happen or cannot be seen
    // (Windows PowerShell sees only QueueWaitMs, TimeToFirstByteMs and TransferMs).

    /// <summary>From the cmdlet receiving the item to its first attempt: waiting for a ThrottleLimit or ThrottleLimitPerHost slot and a RequestsPerSecond permit. Not part of the request's own phases.</summary>
    public double? QueueWaitMs => PhaseTimings.Milliseconds(Timings.QueueWait);

    /// <summary>Resolving the host name for a new connection; 0 on a reused connection; null over a Unix socket (nothing is looked up).</summary>
    public double? DnsLookupMs => PhaseTimings.Milliseconds(Timings.DnsLookup);

    /// <summary>Opening the TCP (or -UnixSocket) connection; 0 on a reused connection.</summary>
    public double? ConnectMs => PhaseTimings.Milliseconds(Timings.Connect);

    /// <summary>The TLS handshake of a new https connection; 0 on a reused one; null over plain http.</summary>
    public double? TlsHandshakeMs => PhaseTimings.Milliseconds(Timings.TlsHandshake);

    /// <summary>From the request's last byte sent to the response headers: the server's think time plus one round trip.</summary>
    public double? TimeToFirstByteMs => PhaseTimings.Milliseconds(Timings.TimeToFirstByte);

    /// <summary>From the response headers to the end of the body (for a download: until the file is in place).</summary>
    public double? TransferMs => PhaseTimings.Milliseconds(Timings.Transfer);

    /// <summary>True when the request went over a connection an earlier request had opened (no DNS, connect or TLS time).</summary>
    public bool? ConnectionReused => Timings.ConnectionReused;

    /// <summary>The IP address the request's connection reached (a proxy's, through a proxy); null over a Unix socket (the path is -UnixSocket).</summary>
    public IPAddress? RemoteAddress => Timings.Connection?.Remote?.Address;

    /// <summary>The port the request's connection reached; null over a Unix socket.</summary>
    public int? RemotePort => Timings.Connection?.Remote?.Port;

    /// <summary>-EveryAddress: the address of the name this request was sent to (whether or not it connected); null otherwise. RemoteAddress is where a connection was made.</summary>
    public IPAddress? TargetAddress { get; internal set; }

    /// <summary>The TLS version the connection negotiated, e.g. Tls13; null over plain http.</summary>
    public SslProtocols? TlsProtocol => Timings.Connection?.TlsProtocol;

    /// <summary>The TLS cipher suite the connection negotiated, e.g. TLS_AES_256_GCM_SHA384.</summary>
    public string? TlsCipherSuite => Timings.Connection?.TlsCipherSuite;

    internal PhaseTimings Timings { get; set; } = PhaseTimings.None;

    /// <summary>
    /// What the item's last attempt answered (status, headers, body, file, stream totals): the outcome itself, which the
    /// properties above read, not a copy of it per result. The few results built elsewhere (a journal's) set it through them.
    /// </summary>
    internal AttemptOutcome Answer { get; set; } = AttemptOutcome.None;

    internal static readonly IReadOnlyDictionary<string, string[]> EmptyHeaders =
        new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Elapsed milliseconds, for views and sorting.</summary>
    public double ElapsedMs => Math.Round(Elapsed.TotalMilliseconds, 1);

    /// <summary>
    /// The URI as messages and tables show it: user:password and the values of sensitive query parameters
    /// as ***. For an item that was not a usable URI, its input as text, redacted the same way.
    /// </summary>
    public string RedactedUri => Uri is not null ? Redactor.Redact(Uri) : Redactor.RedactGiven(Input?.ToString());

    /// <summary>The final URI (after redirects) as the list view shows it, redacted as <see cref="RedactedUri"/> is; null without one.</summary>
    public string? RedactedFinalUri => FinalUri is null ? null : Redactor.Redact(FinalUri);

    /// <summary>The batch's redaction rules (its -SensitiveQueryParameter names too), for <see cref="RedactedUri"/>.</summary>
    internal UriRedactor Redactor { get; set; } = UriRedactor.Default;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Index}{(PageIndex > 0 ? " page " + PageIndex.ToString(CultureInfo.InvariantCulture) : string.Empty)}] {StatusCode} {Method} {RedactedUri}{(Error is null ? string.Empty : " " + Error.ErrorId)}");
}
