using System;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

public class CertificateAdviceTests
{
    [Fact]
    public void A_self_signed_certificate_is_told_to_trust_its_CA_before_skipping_the_check()
    {
        var advice = CertificateAdvice.For(SslPolicyErrors.RemoteCertificateChainErrors, new[] { X509ChainStatusFlags.UntrustedRoot });
        var trust = advice.IndexOf("trust the CA", StringComparison.Ordinal);
        var skip = advice.IndexOf("-SkipCertificateCheck", StringComparison.Ordinal);
        Assert.True(trust >= 0 && skip > trust, advice);
        Assert.Contains("update-ca-certificates", advice, StringComparison.Ordinal);
        Assert.Contains("test server only", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_mismatch_and_an_expired_certificate_are_told_their_own_fix()
    {
        var advice = CertificateAdvice.For(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors, new[] { X509ChainStatusFlags.NotTimeValid });
        Assert.Contains("host name the certificate was issued for", advice, StringComparison.Ordinal);
        Assert.Contains("renew it", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("trust the CA", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_intermediate_is_a_server_fix() =>
        Assert.Contains("intermediate certificate", CertificateAdvice.For(SslPolicyErrors.RemoteCertificateChainErrors, new[] { X509ChainStatusFlags.PartialChain }), StringComparison.Ordinal);
}
