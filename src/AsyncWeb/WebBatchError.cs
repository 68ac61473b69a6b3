using System;
using System.Globalization;
using System.Net;
using System.Security.Authentication;

namespace AsyncWeb;

/// <summary>Why one item failed: a stable ErrorId that scripts can match on, and a readable message.</summary>
public sealed class WebBatchError
{
    internal WebBatchError(string errorId, FailureCategory category, string message, Exception? exception = null)
    {
        ErrorId = errorId;
        Category = category;
        Message = message;
        Exception = exception;
    }

    /// <summary>Stable identifier, e.g. ConnectionRefused, DnsResolutionFailed, HttpStatus (see README).</summary>
    public string ErrorId { get; }

    /// <summary>Broad kind of failure, mapped to a PowerShell ErrorCategory.</summary>
    public FailureCategory Category { get; }

    /// <summary>Readable explanation naming the item.</summary>
    public string Message { get; }

    /// <summary>The underlying exception, when there was one.</summary>
    public Exception? Exception { get; }

    /// <summary>For an HTTP status failure: the start of the server's text body, secrets hidden (the error record's ErrorDetails).</summary>
    internal string? Details { get; init; }

    /// <inheritdoc />
    public override string ToString() => ErrorId + ": " + Message;
}
