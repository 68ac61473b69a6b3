using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using AsyncWeb.Bodies;
using AsyncWeb.Security;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Resilience;

/// <summary>Turns exceptions from sending and reading into stable ErrorIds with readable messages.</summary>
internal static class FailureClassifier
{
    /// <param name="silence">What the silence deadline waited for and how long, when it is known (<c>AttemptDeadline.Silence</c>).</param>
    public static (string ErrorId, FailureCategory Category, string Reason) Classify(Exception exception, TimerFired timer, TimeSpan operationTimeout, TimeSpan requestTimeout, string? silence = null)
    {
        if (Find<ConnectTimeoutException>(exception) is { } connectTimeout)
        {
            return (ErrorIds.ConnectTimeout, FailureCategory.Timeout, connectTimeout.Message);
        }

        if (Find<ResponseTruncatedException>(exception) is { } truncated)
        {
            return (ErrorIds.ResponseTruncated, FailureCategory.Connection, truncated.Message);
        }

        if (exception is OperationCanceledException || Find<OperationCanceledException>(exception) is not null)
        {
            return timer switch
            {
                TimerFired.Operation => (ErrorIds.OperationTimeout, FailureCategory.Timeout,
                    silence ?? $"the server sent nothing for {operationTimeout.TotalSeconds:0.###} s (OperationTimeoutSec)"),
                TimerFired.Request => (ErrorIds.RequestTimeout, FailureCategory.Timeout,
                    $"the request did not complete within {requestTimeout.TotalSeconds:0.###} s (TimeoutSec)"),
                _ => (ErrorIds.Canceled, FailureCategory.Canceled, "the batch was cancelled"),
            };
        }

        if (Find<CertificateRejectedException>(exception) is { } certificate)
        {
            return (ErrorIds.TlsHandshakeFailed, FailureCategory.Connection, "TLS handshake failed: " + certificate.Message);
        }

        if (Find<AuthenticationException>(exception) is { } tls)
        {
            return (ErrorIds.TlsHandshakeFailed, FailureCategory.Connection, "TLS handshake failed: " + Innermost(tls).Message);
        }

        if (Find<SocketException>(exception) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.HostNotFound:
                case SocketError.NoData:
                case SocketError.TryAgain:
                    return (ErrorIds.DnsResolutionFailed, FailureCategory.Connection, "the host name could not be resolved: " + socket.Message);
                case SocketError.ConnectionRefused:
                    return (ErrorIds.ConnectionRefused, FailureCategory.Connection, "the connection was refused: " + socket.Message);
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted:
                case SocketError.Shutdown:
                    return (ErrorIds.ConnectionReset, FailureCategory.Connection, "the connection was reset: " + socket.Message);
                case SocketError.TimedOut:
                    return (ErrorIds.ConnectTimeout, FailureCategory.Timeout, "the connection attempt timed out: " + socket.Message);
                default:
                    return (ErrorIds.ConnectionFailed, FailureCategory.Connection, $"the connection failed ({socket.SocketErrorCode}): {socket.Message}");
            }
        }

#if NET
        if (Find<HttpRequestException>(exception) is { } http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return (ErrorIds.DnsResolutionFailed, FailureCategory.Connection, "the host name could not be resolved: " + http.Message);
                case HttpRequestError.SecureConnectionError:
                    return (ErrorIds.TlsHandshakeFailed, FailureCategory.Connection, "TLS handshake failed: " + Innermost(http).Message);
                case HttpRequestError.ResponseEnded:
                    return (ErrorIds.ConnectionReset, FailureCategory.Connection, "the connection closed before the response was complete");
                case HttpRequestError.ConfigurationLimitExceeded:
                    return (ErrorIds.ResponseHeadersTooLarge, FailureCategory.Protocol, "the response broke a size limit: " + http.Message);
                case HttpRequestError.VersionNegotiationError:
                    return (ErrorIds.HttpVersionNotSupported, FailureCategory.Protocol, "the HTTP version could not be negotiated: " + http.Message);
                case HttpRequestError.InvalidResponse:
                case HttpRequestError.HttpProtocolError:
                    return (ErrorIds.ProtocolError, FailureCategory.Protocol, "the server sent an invalid response: " + Innermost(http).Message);
                case HttpRequestError.ConnectionError:
                    return (ErrorIds.ConnectionFailed, FailureCategory.Connection, "the connection failed: " + Innermost(http).Message);
            }
        }

        if (Find<HttpIOException>(exception) is { } httpIo)
        {
            return httpIo.HttpRequestError switch
            {
                HttpRequestError.ResponseEnded => (ErrorIds.ConnectionReset, FailureCategory.Connection, "the connection closed before the body was complete"),
                HttpRequestError.InvalidResponse => (ErrorIds.ProtocolError, FailureCategory.Protocol, "the server sent an invalid response: " + httpIo.Message),
                _ => (ErrorIds.ConnectionReset, FailureCategory.Connection, "reading the response failed: " + httpIo.Message),
            };
        }
#else
        // .NET Framework's HttpClientHandler wraps its failures in a WebException that says what went wrong.
        if (Find<WebException>(exception) is { } web && Classify(web) is { } fromStatus)
        {
            return fromStatus;
        }
#endif

        if (exception is IOException io)
        {
            return (ErrorIds.ConnectionReset, FailureCategory.Connection, "reading the response failed: " + Innermost(io).Message);
        }

        var innermost = Innermost(exception);
        if (!IsTransport(exception, innermost))
        {
            return (ErrorIds.InvalidRequest, FailureCategory.InvalidInput, $"the request could not be built as given ({innermost.GetType().Name}): {innermost.Message}");
        }

        return (ErrorIds.ConnectionFailed, FailureCategory.Connection, innermost.Message);
    }

    /// <summary>
    /// Whether an exception the rules above did not name came from the network or the HTTP stack, rather than from
    /// building the request (content, headers, a form part): HttpClient wraps those in HttpRequestException too, so
    /// the innermost exception decides. Only a transport failure is a ConnectionFailed that may be retried.
    /// </summary>
    private static bool IsTransport(Exception exception, Exception innermost)
    {
        if (innermost is ObjectDisposedException)
        {
            // A connection or stream closed under the request.
            return true;
        }

        if (innermost is ArgumentException or FormatException or InvalidOperationException or NotSupportedException
            or NotImplementedException or InvalidCastException or NullReferenceException or IndexOutOfRangeException)
        {
            return false;
        }

#if NET
        return Find<HttpRequestException>(exception) is not null || Find<IOException>(exception) is not null || Find<SocketException>(exception) is not null
            || Find<TimeoutException>(exception) is not null;
#else
        return Find<HttpRequestException>(exception) is not null || Find<IOException>(exception) is not null || Find<SocketException>(exception) is not null
            || Find<TimeoutException>(exception) is not null || Find<WebException>(exception) is not null;
#endif
    }

    /// <summary>
    /// A pinned -HttpVersion 2.0 or 3.0 the server does not speak, told from the failure: the server's HTTP_1_1_REQUIRED,
    /// or over plain http (h2c by prior knowledge) an answer that is no HTTP/2 at all. Null when that is not the cause.
    /// </summary>
    public static string? VersionRefused(Exception exception, string errorId, Version? pinned, Uri uri)
    {
        if (pinned is null || pinned.Major < 2)
        {
            return null;
        }

#if NET
        const long http11Required = 0xd;
        var required = Find<HttpProtocolException>(exception) is { ErrorCode: http11Required };
#else
        var required = false;
#endif
        var notH2c = errorId == ErrorIds.ProtocolError && uri.Scheme == Uri.UriSchemeHttp;
        return required || notH2c
            ? $"the server does not speak HTTP/{pinned.ToString(2)}{(uri.Scheme == Uri.UriSchemeHttp ? " (h2c by prior knowledge over http)" : string.Empty)}, which -HttpVersion pins; leave out -HttpVersion to negotiate, or pin 1.1"
            : null;
    }

    /// <summary>
    /// Whether another attempt may succeed: connection failures and timeouts may, except a name that did not resolve
    /// and a certificate that failed validation (it is the same certificate next time). A handshake that failed for
    /// another reason (a reset, an alert) stays retriable.
    /// </summary>
    public static bool IsTransient(Exception exception, string errorId, FailureCategory category) =>
        category is FailureCategory.Connection or FailureCategory.Timeout
        && errorId != ErrorIds.DnsResolutionFailed
        && !IsCertificateRejection(exception);

    private static bool IsCertificateRejection(Exception exception)
    {
        if (Find<CertificateRejectedException>(exception) is not null)
        {
            return true;
        }

#if NET
        return false;
#else
        // .NET Framework reports a certificate its validation refused as TrustFailure.
        return Find<WebException>(exception) is { Status: WebExceptionStatus.TrustFailure };
#endif
    }

#if !NET
    private static (string ErrorId, FailureCategory Category, string Reason)? Classify(WebException web) => web.Status switch
    {
        WebExceptionStatus.NameResolutionFailure or WebExceptionStatus.ProxyNameResolutionFailure =>
            (ErrorIds.DnsResolutionFailed, FailureCategory.Connection, "the host name could not be resolved: " + web.Message),
        WebExceptionStatus.TrustFailure or WebExceptionStatus.SecureChannelFailure =>
            (ErrorIds.TlsHandshakeFailed, FailureCategory.Connection, "TLS handshake failed: " + Innermost(web).Message),
        WebExceptionStatus.ConnectionClosed or WebExceptionStatus.KeepAliveFailure or WebExceptionStatus.ReceiveFailure
            or WebExceptionStatus.SendFailure or WebExceptionStatus.PipelineFailure =>
            (ErrorIds.ConnectionReset, FailureCategory.Connection, "the connection closed before the response was complete: " + web.Message),
        WebExceptionStatus.ServerProtocolViolation =>
            (ErrorIds.ProtocolError, FailureCategory.Protocol, "the server sent an invalid response: " + web.Message),
        WebExceptionStatus.MessageLengthLimitExceeded =>
            (ErrorIds.ResponseHeadersTooLarge, FailureCategory.Protocol, "the response broke a size limit: " + web.Message),
        WebExceptionStatus.ConnectFailure =>
            (ErrorIds.ConnectionFailed, FailureCategory.Connection, "the connection failed: " + Innermost(web).Message),
        _ => null,
    };

#endif
    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
