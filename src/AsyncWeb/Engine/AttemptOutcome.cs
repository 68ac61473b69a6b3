using System;
using System.Collections.Generic;

namespace AsyncWeb.Engine;

/// <summary>What one attempt produced: a complete response, or a failure. Never an exception, so Polly can judge it.</summary>
internal sealed class AttemptOutcome
{
    public int StatusCode { get; set; }
    public string? ReasonPhrase { get; set; }
    public IReadOnlyDictionary<string, string[]> Headers { get; set; } = WebBatchResult.EmptyHeaders;
    public string? ContentType { get; set; }
    public long ContentLength { get; set; }
    public string? Content { get; set; }
    public byte[]? RawContent { get; set; }
    public Uri? FinalUri { get; set; }
    public Version? ProtocolVersion { get; set; }
    public string? OutFile { get; set; }
    public string? Sha256 { get; set; }
    public bool Resumed { get; set; }
    public bool Skipped { get; set; }

    /// <summary>Set when the attempt failed (transport, timeout, HTTP status, file).</summary>
    public WebBatchError? Failure { get; set; }

    /// <summary>True for failures worth retrying: connection failures, timeouts and the retryable statuses.</summary>
    public bool Transient { get; set; }

    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; set; }

    public string Describe() => Failure is null
        ? $"{StatusCode} {ReasonPhrase}"
        : Failure.ErrorId + (StatusCode > 0 ? $" {StatusCode} {ReasonPhrase}" : string.Empty);
}
