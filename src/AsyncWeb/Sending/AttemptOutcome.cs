using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Requests;
using AsyncWeb.Security;
using AsyncWeb.Timing;

namespace AsyncWeb.Sending;

/// <summary>What one attempt produced: a complete response, or a failure. Never an exception, so Polly can judge it. Built once, never changed.</summary>
internal sealed record AttemptOutcome
{
    /// <summary>No answer: what a result holds before (or without) one.</summary>
    public static readonly AttemptOutcome None = new();

    public int StatusCode { get; init; }
    public string? ReasonPhrase { get; init; }
    public IReadOnlyDictionary<string, string[]> Headers { get; init; } = WebBatchResult.EmptyHeaders;
    public string? ContentType { get; init; }
    public long ContentLength { get; init; }
    public string? Content { get; init; }
    public byte[]? RawContent { get; init; }
    public Uri? FinalUri { get; init; }
    public Version? ProtocolVersion { get; init; }
    public string? OutFile { get; init; }
    public string? Sha256 { get; init; }
    public bool Resumed { get; init; }
    public bool Skipped { get; init; }

    /// <summary>Why nothing was written: FileExists or NotModified (see <see cref="SkipReasons"/>).</summary>
    public string? SkipReason { get; init; }
    /// <summary>Request body bytes sent with the request that got this outcome (uploads).</summary>
    public long BytesSent { get; init; }

    /// <summary>-Stream: the items the stream emitted (null when the body was not streamed).</summary>
    public long? StreamItemCount { get; init; }

    /// <summary>-Stream: from the response headers to the first item emitted; null before one.</summary>
    public TimeSpan? TimeToFirstStreamItem { get; init; }

    /// <summary>Set when the attempt failed (transport, timeout, HTTP status, file).</summary>
    public WebBatchError? Failure { get; init; }

    /// <summary>True for failures worth retrying: connection failures, timeouts and the retryable statuses.</summary>
    public bool Transient { get; init; }

    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// The wait the server asked for: Retry-After on a 429 or 503 (on other statuses it is not a request to wait).
    /// The one rule for both who act on it: HostFlow pauses the host that long, and the retry waits exactly that.
    /// </summary>
    public TimeSpan? AskedWait => StatusCode is 429 or 503 ? RetryAfter : null;

    public string Describe() => Failure is null
        ? $"{StatusCode} {ReasonPhrase}"
        : Failure.ErrorId + (StatusCode > 0 ? $" {StatusCode} {ReasonPhrase}" : string.Empty);

    /// <summary>The item's result: this outcome of its last attempt, with what is known of the item itself.</summary>
    public WebBatchResult ToResult(RequestSpec spec, DateTimeOffset startTime, TimeSpan elapsed, int attempts, UriRedactor redactor, PhaseTimings timings) => new()
    {
        Answer = this, // what the response said is read from here: no copy of its fields per result
        Redactor = redactor,
        Timings = timings,
        Index = spec.Index,
        PageIndex = spec.PageIndex,
        TargetAddress = spec.TargetAddress,
        Uri = spec.Uri,
        Method = spec.Method,
        Input = spec.Input,
        StartTime = startTime,
        Elapsed = elapsed,
        Attempts = attempts,
        Error = WithBody(redactor.Redact(Failure), spec, redactor), // a message may quote a redirect target
    };

    /// <summary>An HTTP status failure carries the start of the server's error body (as Invoke-RestMethod's ErrorDetails), secrets hidden.</summary>
    private WebBatchError? WithBody(WebBatchError? error, RequestSpec spec, UriRedactor redactor) =>
        error is { ErrorId: ErrorIds.HttpStatus } && ErrorBodyExcerpt.Of(Content, spec.Uri, spec.SensitiveHeaders, redactor) is { } details
            ? new WebBatchError(error.ErrorId, error.Category, error.Message, error.Exception) { Details = details }
            : error;

    /// <summary>A failure, with the status of the response that caused it when there was one.</summary>
    public static AttemptOutcome Fail(string errorId, FailureCategory category, string message, Exception? exception = null, HttpResponseMessage? response = null) =>
        Fail(new WebBatchError(errorId, category, message, exception), response);

    public static AttemptOutcome Fail(WebBatchError failure, HttpResponseMessage? response = null) => new()
    {
        StatusCode = response is null ? 0 : (int)response.StatusCode,
        ReasonPhrase = response?.ReasonPhrase,
        Failure = failure,
    };

    /// <summary>
    /// What a final response says: status, headers, the body read into memory if given, and for 4xx/5xx an
    /// HttpStatus failure (unless -SkipHttpErrorCheck) that may be retried; a body's own failure wins.
    /// </summary>
    public static AttemptOutcome FromResponse(HttpResponseMessage response, Uri finalUri, BatchOptions options, BodyContent? body = null, IReadOnlyDictionary<string, string[]>? headers = null)
    {
        var status = (int)response.StatusCode;
        var isError = status >= 400;
        return new AttemptOutcome
        {
            StatusCode = status,
            ReasonPhrase = response.ReasonPhrase,
            Headers = headers ?? ResponseHeaders.Collect(response), // the table the budget counted, when the caller made one
            ContentType = response.Content.Headers.ContentType?.ToString(),
            FinalUri = finalUri,
            ProtocolVersion = response.Version,
            RetryAfter = isError ? Resilience.RetryAfter.Read(response, DateTimeOffset.UtcNow) : null,

            // Retried whether or not the status counts as an error, as Invoke-WebRequest does.
            Transient = isError && options.Retry.RetryStatusCodes.Contains(status),
            ContentLength = body?.Length ?? 0,
            Content = body?.Content,
            RawContent = body?.RawContent,
            Failure = body?.Failure ?? (isError && !options.SkipHttpErrorCheck
                ? new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus, $"the server answered {status} {response.ReasonPhrase}")
                : null),
        };
    }
}

/// <summary>The values of <see cref="WebBatchResult.SkipReason"/>: scripts match on them.</summary>
internal static class SkipReasons
{
    /// <summary>-SkipExisting: the file already existed, nothing was written.</summary>
    public const string FileExists = "FileExists";

    /// <summary>-IfChanged: the server answered 304 Not Modified, the file stands as it was.</summary>
    public const string NotModified = "NotModified";
}
