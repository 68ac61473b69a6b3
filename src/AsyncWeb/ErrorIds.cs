namespace AsyncWeb;

/// <summary>Stable ErrorIds; scripts match on these, so they never change meaning. Listed in the README.</summary>
internal static class ErrorIds
{
    // The input item itself
    public const string EmptyUri = "EmptyUri";
    public const string InvalidUri = "InvalidUri";
    public const string RelativeUriWithoutBase = "RelativeUriWithoutBase";
    public const string UnsupportedScheme = "UnsupportedScheme";

    /// <summary>A host written without its scheme ("example.com/x", "localhost:8080/x"); the message names the http:// and https:// URIs meant.</summary>
    public const string MissingScheme = "MissingScheme";
    public const string InvalidHeader = "InvalidHeader";
    public const string InvalidMethod = "InvalidMethod";
    public const string InvalidBody = "InvalidBody";
    public const string InvalidOutFile = "InvalidOutFile";

    /// <summary>A hashtable item has a key no request field reads (a misspelt Method or Headers): the item is not sent.</summary>
    public const string UnknownItemKey = "UnknownItemKey";

    /// <summary>The request could not be built from the item as given (an exception from its content or headers, not the network); not retried.</summary>
    public const string InvalidRequest = "InvalidRequest";

    /// <summary>An item's Proxy is not an absolute http(s) or socks URI, carries credentials, or its NoProxy is not a boolean: the item is not sent.</summary>
    public const string InvalidProxy = "InvalidProxy";

    /// <summary>-BaseUri (of Invoke-AsyncWebBatch or New-AsyncWebSession) is not an absolute http(s) URI.</summary>
    public const string InvalidBaseUri = "InvalidBaseUri";

    /// <summary>-JournalKey names a property the item does not have.</summary>
    public const string MissingJournalKey = "MissingJournalKey";

    /// <summary>-JournalPath names a journal of another format (0.2.0's keys did not cover the body): refused before anything is sent.</summary>
    public const string UnsupportedJournalVersion = "UnsupportedJournalVersion";

    /// <summary>A -Resolve entry (or an item's Resolve) is not host:port:address[,address...]: refused as a whole for the batch's, the item not sent for an item's.</summary>
    public const string InvalidResolve = "InvalidResolve";

    /// <summary>A -ConnectTo entry (or an item's ConnectTo) is not host:port:tohost:toport.</summary>
    public const string InvalidConnectTo = "InvalidConnectTo";

    /// <summary>-Resolve, -ConnectTo or -EveryAddress where they cannot work: https on Windows PowerShell 5.1, whose TLS follows the URI's host.</summary>
    public const string ConnectPinNotSupported = "ConnectPinNotSupported";

    // Uploads and authentication
    public const string InvalidInFile = "InvalidInFile";
    public const string UnencryptedAuthentication = "UnencryptedAuthentication";

    // Reaching the server
    public const string DnsResolutionFailed = "DnsResolutionFailed";
    public const string ConnectionRefused = "ConnectionRefused";
    public const string ConnectionReset = "ConnectionReset";
    public const string ResponseTruncated = "ResponseTruncated";
    public const string ConnectionFailed = "ConnectionFailed";
    public const string TlsHandshakeFailed = "TlsHandshakeFailed";

    // Time limits
    public const string ConnectTimeout = "ConnectTimeout";
    public const string OperationTimeout = "OperationTimeout";
    public const string RequestTimeout = "RequestTimeout";
    public const string TotalTimeout = "TotalTimeout";

    // The response
    public const string HttpStatus = "HttpStatus";
    public const string TooManyRedirects = "TooManyRedirects";
    public const string InsecureRedirect = "InsecureRedirect";
    public const string InvalidRedirect = "InvalidRedirect";
    public const string ProtocolError = "ProtocolError";
    public const string ResponseHeadersTooLarge = "ResponseHeadersTooLarge";
    public const string ResponseTooLarge = "ResponseTooLarge";

    /// <summary>An in-memory response lists more content codings than are decoded (ContentEncodingDecoder.MaximumCodings).</summary>
    public const string TooManyContentEncodings = "TooManyContentEncodings";
    public const string HttpVersionNotSupported = "HttpVersionNotSupported";

    // Streams (-Stream)

    /// <summary>One event, line or array element of a stream is larger than -MaximumStreamItemBytes; the stream ends there.</summary>
    public const string StreamItemTooLarge = "StreamItemTooLarge";

    /// <summary>A stream's bytes are not what its format says (a JSON array that is not one, a malformed json-seq record, a reconnected event stream that is no longer text/event-stream).</summary>
    public const string StreamFormatError = "StreamFormatError";

    /// <summary>An item's Stream or StreamFormat value is not one that can be used (nothing is sent for it).</summary>
    public const string InvalidStreamFormat = "InvalidStreamFormat";

    // Pages (-FollowRelLink, -NextLink, -TotalCount)
    public const string PaginationLoop = "PaginationLoop";
    public const string InvalidNextLink = "InvalidNextLink";
    public const string InvalidTotalCount = "InvalidTotalCount";

    /// <summary>An item has more pages than the default most per item (-MaximumFollowRelLink not given).</summary>
    public const string TooManyPages = "TooManyPages";

    // Files
    public const string FileExists = "FileExists";
    public const string DuplicateOutFile = "DuplicateOutFile";
    public const string FileWriteFailed = "FileWriteFailed";
    public const string HashMismatch = "HashMismatch";

    // Resilience
    public const string CircuitOpen = "CircuitOpen";
    public const string RateLimited = "RateLimited";

    public const string Canceled = "Canceled";

    // A call refused as a whole before anything is sent (terminating errors)
    public const string ConflictingParameters = "ConflictingParameters";
    public const string ParameterConflictsWithSession = "ParameterConflictsWithSession";
    public const string SessionDisposed = "SessionDisposed";
    public const string InvalidHttpVersion = "InvalidHttpVersion";
    public const string InvalidCircuitBreakerThreshold = "InvalidCircuitBreakerThreshold";
    public const string InvalidPropertyPath = "InvalidPropertyPath";
    public const string InvalidPartition = "InvalidPartition";
    public const string OutDirectoryUnusable = "OutDirectoryUnusable";
    public const string InvalidJournal = "InvalidJournal";
    public const string JournalUnusable = "JournalUnusable";
    public const string CredentialRequired = "CredentialRequired";
    public const string TokenRequired = "TokenRequired";
    public const string CredentialWithoutBaseUri = "CredentialWithoutBaseUri";
    public const string CertificateWithoutPrivateKey = "CertificateWithoutPrivateKey";
    public const string CertificateNotFound = "CertificateNotFound";
    public const string UnixSocketNotSupported = "UnixSocketNotSupported";

    /// <summary>-SslProtocol names a TLS version the running .NET cannot offer (Tls13 on .NET Framework 4.7.2).</summary>
    public const string TlsVersionNotSupported = "TlsVersionNotSupported";

    /// <summary>Measure-AsyncWebBatch was given something that is not a result (nor one that travelled).</summary>
    public const string NotAWebBatchResult = "NotAWebBatchResult";

    /// <summary>-TraceParent is not a W3C traceparent value: the command stops before anything is sent.</summary>
    public const string InvalidTraceParent = "InvalidTraceParent";

    /// <summary>A -Threshold expression of Measure-AsyncWebBatch does not parse: the command stops before reading any input.</summary>
    public const string InvalidThreshold = "InvalidThreshold";

    /// <summary>A -Threshold of Measure-AsyncWebBatch did not hold (one non-terminating error each, after the summary).</summary>
    public const string ThresholdFailed = "ThresholdFailed";

    // -AsJob
    public const string PipelineInputFailed = "PipelineInputFailed";
    public const string AsyncWebJobFailed = "AsyncWebJobFailed";
}
