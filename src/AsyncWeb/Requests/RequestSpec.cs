using System;
using System.Collections.Generic;
using System.Diagnostics;
using AsyncWeb.Connections;
using AsyncWeb.Hosts;
using AsyncWeb.Journal;
using AsyncWeb.Paging;
using AsyncWeb.Security;
using AsyncWeb.Streaming;

namespace AsyncWeb.Requests;

/// <summary>
/// One request as the engine sees it: already validated, with its body as bytes or as an upload streamed from disk. A record, so that a next
/// page is this request with another URI (<c>spec with { ... }</c>) and keeps every other property.
/// </summary>
internal sealed record RequestSpec
{
    public RequestSpec(long index, Uri uri, string hostKey, string method, object? input)
    {
        Index = index;
        Uri = uri;
        Origin = uri;
        HostKey = hostKey;
        Method = method;
        Input = input;
    }

    /// <summary>Position of the item in the input (with -EveryAddress: of the request, an item's addresses numbered in turn).</summary>
    public long Index { get; init; }
    public Uri Uri { get; init; }
    public string Method { get; }
    public object? Input { get; }

    /// <summary>Request headers (not content headers); validated names and values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>Headers sent only to the original origin (Authorization, Cookie): dropped on a cross-host redirect.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SensitiveHeaders { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    public byte[]? Body { get; init; }
    public string? ContentType { get; init; }

    /// <summary>A body streamed from disk (-InFile, -Form), made anew for every request; when set, Body is null.</summary>
    public RequestUpload? Upload { get; init; }

    /// <summary>-EveryAddress: the one address of the name this request is pinned to, reported on its result; null otherwise.</summary>
    public System.Net.IPAddress? TargetAddress { get; init; }

    /// <summary>Where the item's requests connect (-Resolve, -ConnectTo: the item's entries, then the batch's); None: as usual.</summary>
    public ConnectRules Connect { get; init; } = ConnectRules.None;

    /// <summary>The origin whose challenges the handler's credentials (Negotiate, NTLM) may answer; null: none for this item.</summary>
    public Uri? CredentialOrigin { get; init; }

    /// <summary>The handler credentials CredentialOrigin is for (the batch's or the session's); null when CredentialOrigin is.</summary>
    public HandlerCredentials? HandlerCredentials { get; init; }

    /// <summary>The item's own proxy, or none (its Proxy and NoProxy); null: the batch's way out. Redirects and next pages keep it.</summary>
    public ProxyRoute? Route { get; init; }

    /// <summary>Full path of the file the body is streamed to, or null to keep the body in memory.</summary>
    public string? OutFile { get; init; }

    /// <summary>Directory to stream into, choosing the file name from the response; null when OutFile is set or no download.</summary>
    public string? OutDirectory { get; init; }

    /// <summary>True when the body goes to a file (OutFile or OutDirectory) rather than into memory.</summary>
    public bool IsDownload => OutFile is not null || OutDirectory is not null;

    /// <summary>Expected SHA-256 of the body (hex, upper case), verified while streaming.</summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>Stopwatch timestamp of when the cmdlet received the item (for a next page: when the page became due): its queue wait (throttle, per-host limit, rate limit) starts here.</summary>
    public long Received { get; init; } = Stopwatch.GetTimestamp();

    // Host-aware flow control and the journal: who the item is across runs, and what it went through.

    /// <summary>The item's stable key (<see cref="ItemKeys"/>), for -JournalPath and -IdempotencyKey; set on the pipeline thread before the engine sees the item.</summary>
    public string? ItemKey { get; internal set; }

    /// <summary>The Idempotency-Key header value (-IdempotencyKey), the same for every attempt and every re-run; set with <see cref="ItemKey"/>.</summary>
    public string? IdempotencyKey { get; internal set; }

    /// <summary>What the request went through on its way: the time it waited for its paused host (each page has its own).</summary>
    public HostWaitClock HostWait { get; init; } = new();

    /// <summary>Host key used by the per-host limits, e.g. "example.com:443" (see <see cref="HostKey.Of"/>).</summary>
    public string HostKey { get; init; }

    /// <summary>-Stream: the body's format, whose units (events, lines, array elements) are emitted as they arrive; null reads the body whole.</summary>
    public WebStreamFormat? Stream { get; init; }

    // ---- Pagination ----

    /// <summary>The item's first URI: its credentials (SensitiveHeaders) belong to this origin, on every page and redirect.</summary>
    public Uri Origin { get; init; }

    /// <summary>Which page of the item this request fetches: 0 for the item's own request, 1 for the next page ...</summary>
    public int PageIndex { get; init; }

    /// <summary>The item's pagination state when -FollowRelLink, -NextLink or -TotalCount is on; null otherwise.</summary>
    public PageChain? Chain { get; init; }

    /// <summary>"#3", or "#3 page 2": how verbose lines name this request.</summary>
    public string Label => PageIndex == 0
        ? "#" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : "#" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture) + " page " + PageIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Never the headers (they may hold credentials): what a message may show.</summary>
    public override string ToString() => Label + " " + Method + " " + UriRedaction.Redact(Uri);


    /// <summary>Same scheme, host and port: where credentials may go (a session's, or across a redirect).</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
