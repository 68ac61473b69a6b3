using System;
using System.Net;
using System.Security.Authentication;
using AsyncWeb.Connections;
using AsyncWeb.Downloads;
using AsyncWeb.Hosts;
using AsyncWeb.Journal;
using AsyncWeb.Paging;
using AsyncWeb.Resilience;
using AsyncWeb.Security;
using AsyncWeb.Tracing;

namespace AsyncWeb.Batch;

/// <summary>Everything about a batch that is the same for all its requests; built once per cmdlet call.</summary>
internal sealed class BatchOptions
{
    public int ThrottleLimit { get; init; } = 32;
    public int ThrottleLimitPerHost { get; init; }
    public bool Ordered { get; init; }

    /// <summary>Whole attempt (headers and body); zero for none.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Longest silence from the server: waiting for headers (after the connect allowance), and between body reads; zero for none.</summary>
    public TimeSpan OperationTimeout { get; init; }

    /// <summary>The whole item across attempts and retry delays; zero for none.</summary>
    public TimeSpan TotalTimeout { get; init; }

    /// <summary>The connect timeout of the connection pool in use; the first silence allowance includes it.</summary>
    public TimeSpan ConnectTimeout { get; init; }

    public bool SkipHttpErrorCheck { get; init; }
    public int MaximumRedirection { get; init; } = 5;
    public bool AllowInsecureRedirect { get; init; }
    /// <summary>The version -HttpVersion pins; null negotiates (h2 by ALPN over https, HTTP/1.1 over http: <see cref="HttpVersionChoice"/>).</summary>
    public Version? HttpVersion { get; init; }
    public ExistingFileAction ExistingFile { get; init; } = ExistingFileAction.Fail;
    public bool Resume { get; init; }

    /// <summary>Hash every download for the result's Sha256 (-ComputeSha256); without it only items with an expected hash are hashed.</summary>
    public bool ComputeSha256 { get; init; }

    /// <summary>
    /// Every download is hashed with -ComputeSha256, a journal or -IfChanged: a journaled download's record, and an
    /// -IfChanged validator record, keep its Sha256, which the next run's result reports without the file being
    /// fetched (or hashed) again.
    /// </summary>
    public bool HashEveryDownload => ComputeSha256 || Journal is not null || IfChanged;
    public bool VerboseEvents { get; init; }

    /// <summary>Hides secrets in every URI and message the batch shows (the defaults plus -SensitiveQueryParameter).</summary>
    public UriRedactor Redactor { get; init; } = UriRedactor.Default;

    /// <summary>The largest body kept in memory (-MaximumResponseSize); a larger one fails with ResponseTooLarge.</summary>
    public long MaximumResponseSize { get; init; } = DefaultMaximumResponseSize;

    /// <summary>The most body bytes the batch holds in memory at once (-MaximumBufferSize), in flight and waiting to be taken.</summary>
    public long MaximumBufferSize { get; init; } = DefaultMaximumBufferSize;

    public const long DefaultMaximumResponseSize = 256L * 1024 * 1024;
    public const long DefaultMaximumBufferSize = 512L * 1024 * 1024;

    /// <summary>-MaximumStreamItemBytes: the largest event, line or array element of a stream; a larger one ends the stream with StreamItemTooLarge.</summary>
    public int MaximumStreamItemBytes { get; init; } = DefaultMaximumStreamItemBytes;

    public const int DefaultMaximumStreamItemBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The most bytes of stream items waiting for the pipeline (all streams together): a reader with more waiting
    /// stops reading until the pipeline takes some, so a slow consumer slows the streams instead of growing memory.
    /// </summary>
    public long StreamQueueBytes => Math.Min(MaximumBufferSize, DefaultStreamQueueBytes);

    public const long DefaultStreamQueueBytes = 8L * 1024 * 1024;

    public RetrySettings Retry { get; init; } = RetrySettings.None;

    /// <summary>The trace every request's traceparent header belongs to; null with -NoTraceParent (no header, no activity).</summary>
    public BatchTrace? Trace { get; init; }
    public CircuitBreakerSettings? CircuitBreaker { get; init; }
    public double RequestsPerSecond { get; init; }
    public bool RateLimitPerHost { get; init; }

    // ---- Pagination and conditional re-fetch ----

    /// <summary>How an item's pages are followed; null when they are not.</summary>
    public PaginationOptions? Pagination { get; init; }

    /// <summary>-IfChanged: downloads keep their validators and are asked for again only if changed (If-None-Match / If-Modified-Since).</summary>
    public bool IfChanged { get; init; }

    // Host-aware flow control and the journal.

    /// <summary>-AdaptiveThrottle: each host's limit follows its answers (AIMD) within these bounds; null for the fixed -ThrottleLimitPerHost.</summary>
    public AdaptiveThrottleSettings? AdaptiveThrottle { get; init; }

    /// <summary>-JournalPath: where finished items are recorded before they are emitted; the engine closes it. Null for none.</summary>
    public IResultJournal? Journal { get; init; }
}
