using System;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using AsyncWeb.Resilience;
using AsyncWeb.Security;
using AsyncWeb.Timeouts;
using Xunit;

namespace AsyncWeb.Tests.Resilience;

public class FailureClassifierTests
{
    private static (string ErrorId, bool Transient) Classify(Exception exception)
    {
        var (errorId, category, _) = FailureClassifier.Classify(exception, TimerFired.None, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return (errorId, FailureClassifier.IsTransient(exception, errorId, category));
    }

    private static HttpRequestException Handshake(Exception inner) =>
        new(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", inner);

    [Theory]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors)]
    [InlineData(SslPolicyErrors.RemoteCertificateNotAvailable)]
    public void A_certificate_that_failed_validation_is_not_retried(SslPolicyErrors errors)
    {
        var (errorId, transient) = Classify(Handshake(new CertificateRejectedException(errors, "UntrustedRoot", "advice")));
        Assert.Equal(ErrorIds.TlsHandshakeFailed, errorId);
        Assert.False(transient);
    }

    [Fact]
    public void A_handshake_reset_by_the_peer_stays_retriable()
    {
        var reset = new IOException("Received an unexpected EOF or 0 bytes from the transport stream.", new SocketException((int)SocketError.ConnectionReset));
        var (errorId, transient) = Classify(Handshake(reset));
        Assert.Equal(ErrorIds.ConnectionReset, errorId);
        Assert.True(transient);
    }

    [Fact]
    public void A_handshake_that_failed_for_another_reason_stays_retriable()
    {
        var (errorId, transient) = Classify(Handshake(new AuthenticationException("Authentication failed, see inner exception.", new IOException("alert"))));
        Assert.Equal(ErrorIds.TlsHandshakeFailed, errorId);
        Assert.True(transient);
    }

    [Fact]
    public void A_name_that_did_not_resolve_is_not_retried()
    {
        var (errorId, transient) = Classify(new HttpRequestException("no such host", new SocketException((int)SocketError.HostNotFound)));
        Assert.Equal(ErrorIds.DnsResolutionFailed, errorId);
        Assert.False(transient);
    }

    public static TheoryData<Exception> RequestBuildingFailures => new()
    {
        new ArgumentException("The format of value 'a\"b' is invalid."),
        new FormatException("The format of value 'not a type' is invalid."),
        new InvalidOperationException("Misused header name."),
        new NotSupportedException("Only the 'http', 'socks4', 'socks4a' and 'socks5' schemes are allowed for proxies."),

        // HttpClient wraps what the content threw while it was sent.
        new HttpRequestException("An error occurred while sending the request.", new InvalidOperationException("The stream was already consumed.")),
        new HttpRequestException(HttpRequestError.Unknown, "Error while copying content to a stream.", new IOException("copy", new ArgumentException("bad part"))),
    };

    [Theory]
    [MemberData(nameof(RequestBuildingFailures))]
    public void An_exception_building_the_request_is_InvalidRequest_and_not_retried(Exception exception)
    {
        var (errorId, transient) = Classify(exception);
        Assert.Equal(ErrorIds.InvalidRequest, errorId);
        Assert.False(transient);
    }

    public static TheoryData<Exception> TransportFailures => new()
    {
        new HttpRequestException("The proxy tunnel request to proxy 'http://proxy.example/' failed with status code '502'."),
        new HttpRequestException(HttpRequestError.Unknown, "An error occurred while sending the request.", new ObjectDisposedException("SslStream")),
        new TimeoutException("The operation has timed out."),
    };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public void A_transport_failure_without_a_more_specific_id_is_ConnectionFailed_and_retried(Exception exception)
    {
        var (errorId, transient) = Classify(exception);
        Assert.Equal(ErrorIds.ConnectionFailed, errorId);
        Assert.True(transient);
    }
}
