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
        var (errorId, transient) = Classify(Handshake(new CertificateRejectedException(errors, "UntrustedRoot")));
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
}
