using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Connections;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

public class TlsOptionsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Chain_building_never_downloads_issuers_or_revocation_data(bool skip)
    {
        var policy = ClientPool.CreateSslOptions(skip).CertificateChainPolicy;
        Assert.NotNull(policy);
        Assert.True(policy.DisableCertificateDownloads);
        Assert.Equal(X509RevocationMode.NoCheck, policy.RevocationMode);
        Assert.Equal(X509ChainTrustMode.System, policy.TrustMode);
    }

    [Fact]
    public void Verification_keeps_the_runtime_decision_and_names_a_rejection()
    {
        var callback = ClientPool.CreateSslOptions(skipCertificateCheck: false).RemoteCertificateValidationCallback;
        Assert.NotNull(callback);
        Assert.True(callback(this, null, null, System.Net.Security.SslPolicyErrors.None));
        var rejected = Assert.Throws<CertificateRejectedException>(() => callback(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Equal(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch, rejected.Errors);
        Assert.Contains("RemoteCertificateNameMismatch", rejected.Message);
    }

    [Fact]
    public void SkipCertificateCheck_accepts_any_certificate()
    {
        var callback = ClientPool.CreateSslOptions(skipCertificateCheck: true).RemoteCertificateValidationCallback;
        Assert.NotNull(callback);
        Assert.True(callback(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
    }
}
