using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Security.Authentication;

namespace AsyncWeb;

/// <summary>Broad failure kinds; the cmdlet maps them to ErrorCategory.</summary>
public enum FailureCategory
{
    /// <summary>The input item itself is unusable (bad URI, header, body).</summary>
    InvalidInput,
    /// <summary>Name resolution, connection refused or reset, TLS.</summary>
    Connection,
    /// <summary>A connect, operation or request timeout.</summary>
    Timeout,
    /// <summary>The server answered with an error status.</summary>
    HttpStatus,
    /// <summary>The server sent something that is not valid HTTP or broke a limit.</summary>
    Protocol,
    /// <summary>A file could not be written, or already exists.</summary>
    File,
    /// <summary>A circuit breaker or rate limiter refused the request.</summary>
    Refused,
    /// <summary>The batch was cancelled.</summary>
    Canceled,
}
