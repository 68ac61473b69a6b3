using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using AsyncWeb;
using AsyncWeb.Resilience;
using AsyncWeb.Security;
using AsyncWeb.Timeouts;
using Xunit;

namespace AsyncWeb.Tests.Security;

/// <summary>A rejected certificate is never transient, however the runtime wraps the rejection.</summary>
public class CertificateCheckTests
{
    private static bool IsTransient(Exception failure)
    {
        var (errorId, category, _) = FailureClassifier.Classify(failure, TimerFired.None, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(100));
        return FailureClassifier.IsTransient(failure, errorId, category);
    }

    /// <summary>What .NET Framework's HttpClientHandler may throw when the validation callback threw: the callback's exception gone.</summary>
    private static Exception AsNetFrameworkReportsIt() =>
        new HttpRequestException("An error occurred while sending the request.",
            new WebException("The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.",
                new AuthenticationException("The remote certificate is invalid according to the validation procedure."),
                WebExceptionStatus.SecureChannelFailure, null));

    private static void Reject(HttpRequestMessage request) =>
        Assert.Throws<CertificateRejectedException>(() => CertificateCheck.Validate(request, null, null, SslPolicyErrors.RemoteCertificateChainErrors));

    [Fact]
    public void A_rejection_the_runtime_lost_is_surfaced_and_not_retried()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://self-signed.example.com/");
        Reject(request);

        var surfaced = CertificateCheck.Surface(request, AsNetFrameworkReportsIt());

        Assert.NotNull(surfaced);
        Assert.False(IsTransient(surfaced!));
        Assert.Equal(ErrorIds.TlsHandshakeFailed, FailureClassifier.Classify(surfaced!, TimerFired.None, TimeSpan.Zero, TimeSpan.Zero).ErrorId);
        Assert.Contains("RemoteCertificateChainErrors", surfaced!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handshake_failure_without_a_rejection_stays_transient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://flaky.example.com/");
        Assert.Null(CertificateCheck.Surface(request, AsNetFrameworkReportsIt()));
        Assert.True(IsTransient(AsNetFrameworkReportsIt()));
        Assert.True(IsTransient(new HttpRequestException("reset", new IOException("Unable to read data from the transport connection"))));
    }

    [Fact]
    public void A_rejection_the_failure_still_carries_stands_as_it_is()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://wrong-name.example.com/");
        var rejected = Assert.Throws<CertificateRejectedException>(() => CertificateCheck.Validate(request, null, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        var failure = new HttpRequestException("The SSL connection could not be established", rejected);
        Assert.Null(CertificateCheck.Surface(request, failure));
        Assert.False(IsTransient(failure));
    }

    [Fact]
    public void A_valid_certificate_is_accepted_and_remembers_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://good.example.com/");
        Assert.True(CertificateCheck.Validate(request, null, null, SslPolicyErrors.None));
        Assert.Null(CertificateCheck.Surface(request, AsNetFrameworkReportsIt()));
    }
}
