using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using AsyncWeb.Requests;
using AsyncWeb.Security;
using Xunit;

namespace AsyncWeb.Tests.Security;

public class AuthenticationTests
{
    private static readonly NetworkCredential s_alice = new("alice", "S3cret", "CORP");

    [Fact]
    public void A_credential_alone_is_Basic_and_a_token_alone_is_Bearer()
    {
        var basic = ClientAuthentication.Create(WebAuthentication.None, new NetworkCredential("alice", "pw"), null, false)!;
        Assert.Equal(WebAuthentication.Basic, basic.Scheme);
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("alice:pw")), basic.Authorization);
        Assert.Null(basic.Handler);

        var bearer = ClientAuthentication.Create(WebAuthentication.OAuth, null, "t0ken", false)!;
        Assert.Equal(WebAuthentication.Bearer, bearer.Scheme);
        Assert.Equal("Bearer t0ken", bearer.Authorization);
    }

    [Fact]
    public void Negotiate_and_NTLM_are_answered_by_the_handler_never_sent_as_a_header()
    {
        var ntlm = ClientAuthentication.Create(WebAuthentication.NTLM, s_alice, null, false)!;
        Assert.Null(ntlm.Authorization);
        Assert.NotNull(ntlm.Handler);
        var sso = ClientAuthentication.Create(WebAuthentication.None, null, null, true)!;
        Assert.Equal(WebAuthentication.Negotiate, sso.Scheme);
        Assert.True(sso.Handler!.IsDefault);
    }

    [Fact]
    public void Nothing_asked_is_no_authentication() =>
        Assert.Null(ClientAuthentication.Create(WebAuthentication.None, null, null, false));

    [Theory]
    [InlineData(WebAuthentication.Basic, false, false, false, "CredentialRequired")]
    [InlineData(WebAuthentication.Bearer, false, false, false, "TokenRequired")]
    [InlineData(WebAuthentication.OAuth, true, false, false, "TokenRequired")]
    [InlineData(WebAuthentication.Negotiate, false, false, false, "CredentialRequired")]
    [InlineData(WebAuthentication.None, true, true, false, "ConflictingParameters")]
    [InlineData(WebAuthentication.Basic, false, true, false, "ConflictingParameters")]
    [InlineData(WebAuthentication.NTLM, false, true, false, "ConflictingParameters")]
    [InlineData(WebAuthentication.None, true, false, true, "ConflictingParameters")]
    [InlineData(WebAuthentication.Bearer, false, false, true, "ConflictingParameters")]
    public void Parameters_that_do_not_fit_together_are_refused(WebAuthentication scheme, bool credential, bool token, bool useDefault, string errorId)
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            ClientAuthentication.Create(scheme, credential ? s_alice : null, token ? "t" : null, useDefault));
        Assert.Equal(errorId, error.ErrorId);
    }

    [Fact]
    public void Credentials_over_http_need_the_switch()
    {
        var error = Assert.Throws<InvalidInputException>(() => ClientAuthentication.CheckEncrypted(new Uri("http://api.example/x"), false));
        Assert.Equal(ErrorIds.UnencryptedAuthentication, error.ErrorId);
        ClientAuthentication.CheckEncrypted(new Uri("http://api.example/x"), true);
        ClientAuthentication.CheckEncrypted(new Uri("https://api.example/x"), false);
    }

    [Fact]
    public async Task The_handler_gets_credentials_only_inside_the_scope_of_their_origin_and_scheme()
    {
        var credentials = new HandlerCredentials(s_alice, "NTLM");
        var origin = new Uri("https://intranet.example/app/");

        Assert.Null(credentials.GetCredential(origin, "NTLM"));  // no request in flight says so
        using var admission = CredentialScope.Admit(credentials, origin);  // as the sender does around each same-origin hop
        await Task.Run(() =>
        {
            CredentialScope.Enter(origin);
            Assert.Same(s_alice, credentials.GetCredential(new Uri("https://intranet.example/other"), "NTLM"));
            Assert.Null(credentials.GetCredential(new Uri("https://evil.example/"), "NTLM"));
            Assert.Null(credentials.GetCredential(new Uri("http://intranet.example/"), "NTLM"));
            Assert.Null(credentials.GetCredential(origin, "Basic"));
            Assert.Null(credentials.GetCredential(origin, "Negotiate"));
        });

        // The scope stayed with the flow that set it.
        Assert.Null(CredentialScope.Current);
    }

    [Fact]
    public void Default_credentials_are_the_process_identity()
    {
        var credentials = new HandlerCredentials(null, "Negotiate", "NTLM");
        using var admission = CredentialScope.Admit(credentials, new Uri("https://intranet.example/"));
        CredentialScope.Enter(new Uri("https://intranet.example/"));
        try
        {
            Assert.Same(CredentialCache.DefaultNetworkCredentials, credentials.GetCredential(new Uri("https://intranet.example/x"), "Negotiate"));
        }
        finally
        {
            CredentialScope.Enter(null);
        }
    }

    [Fact]
    public void Equal_credentials_select_the_same_pool_and_never_show_the_password()
    {
        var one = new HandlerCredentials(new NetworkCredential("alice", "S3cret", "CORP"), "NTLM");
        var two = new HandlerCredentials(new NetworkCredential("alice", "S3cret", "CORP"), "NTLM");
        Assert.Equal(one, two);
        Assert.Equal(one.GetHashCode(), two.GetHashCode());
        Assert.NotEqual(one, new HandlerCredentials(new NetworkCredential("alice", "other", "CORP"), "NTLM"));
        Assert.NotEqual(one, new HandlerCredentials(new NetworkCredential("alice", "S3cret", "CORP"), "Negotiate"));
        Assert.DoesNotContain("S3cret", one.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_certificate_is_keyed_by_thumbprint_and_must_have_its_private_key()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var copy = new X509Certificate2(certificate);
        Assert.Equal(CertificateKey.From(certificate), CertificateKey.From(copy));

#if NET9_0_OR_GREATER
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
#else
        using var publicOnly = new X509Certificate2(certificate.RawData);
#endif
        Assert.Equal("CertificateWithoutPrivateKey", Assert.Throws<InvalidInputException>(() => CertificateKey.From(publicOnly)).ErrorId);
    }
}
