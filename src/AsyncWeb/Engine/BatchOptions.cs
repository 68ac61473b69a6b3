using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Authentication;

namespace AsyncWeb.Engine;

/// <summary>What happens to a download whose target file already exists.</summary>
public enum ExistingFileAction
{
    /// <summary>The item fails with FileExists and the file is left alone.</summary>
    Fail,
    /// <summary>The file is replaced (atomically) by the new download.</summary>
    Overwrite,
    /// <summary>The item is not requested; its result says Skipped.</summary>
    Skip,
}

/// <summary>Settings that select (and so share) one connection pool.</summary>
internal sealed record HandlerSettings(
    bool SkipCertificateCheck,
    Uri? Proxy,
    CredentialKey? ProxyCredential,
    bool NoProxy,
    TimeSpan ConnectTimeout,
    int MaxConnectionsPerServer,
    TimeSpan PooledConnectionLifetime)
{
    public static readonly TimeSpan DefaultPooledConnectionLifetime = TimeSpan.FromMinutes(5);

    // Authentication, TLS and Unix sockets (issue 12): each selects a pool of its own too (see ConnectionOptions).

    /// <summary>The client certificate offered in TLS handshakes (mutual TLS), compared by thumbprint.</summary>
    public CertificateKey? ClientCertificate { get; init; }

    /// <summary>The TLS versions allowed; None leaves the choice to the system.</summary>
    public SslProtocols SslProtocols { get; init; }

    /// <summary>The Unix domain socket every connection goes to instead of TCP (PowerShell 7 only).</summary>
    public string? UnixSocket { get; init; }

    /// <summary>Credentials the handler answers Negotiate or NTLM challenges with, on their origin only.</summary>
    public HandlerCredentials? Credentials { get; init; }
}

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

    public RetrySettings Retry { get; init; } = RetrySettings.None;
    public CircuitBreakerSettings? CircuitBreaker { get; init; }
    public double RequestsPerSecond { get; init; }
    public bool RateLimitPerHost { get; init; }

    // ---- Pagination and conditional re-fetch (issue 13) ----

    /// <summary>How an item's pages are followed; null when they are not.</summary>
    public PaginationOptions? Pagination { get; init; }

    /// <summary>-IfChanged: downloads keep their validators and are asked for again only if changed (If-None-Match / If-Modified-Since).</summary>
    public bool IfChanged { get; init; }

    // Host-aware flow control and the journal (issue 14).

    /// <summary>-AdaptiveThrottle: each host's limit follows its answers (AIMD) within these bounds; null for the fixed -ThrottleLimitPerHost.</summary>
    public AdaptiveThrottleSettings? AdaptiveThrottle { get; init; }

    /// <summary>-JournalPath: where finished items are recorded before they are emitted; the engine closes it. Null for none.</summary>
    public IResultJournal? Journal { get; init; }
}

/// <summary>Retry behaviour; MaximumRetryCount 0 means a single attempt.</summary>
internal sealed record RetrySettings(
    int MaximumRetryCount,
    TimeSpan BaseDelay,
    TimeSpan MaximumDelay,
    TimeSpan MaximumRetryAfter,
    IReadOnlyCollection<int> RetryStatusCodes,
    bool RetryNonIdempotent)
{
    public static readonly int[] DefaultStatusCodes = { 408, 429, 500, 502, 503, 504 };

    public static readonly RetrySettings None = new(0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), DefaultStatusCodes, false);
}

/// <summary>Per-host circuit breaker settings (opt-in).</summary>
internal sealed record CircuitBreakerSettings(double FailureRatio, TimeSpan SamplingDuration, int MinimumThroughput, TimeSpan BreakDuration);
