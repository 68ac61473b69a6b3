using System;
using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Authentication the tests need a real server for: client certificates checked against CAs a test registers
/// (POST /client-cert/trust), NTLM and Negotiate (SPNEGO around NTLM) challenges verified against a known
/// password, and /listeners, so help examples that need another listener can find it from $base.
/// </summary>
internal static class AuthEndpoints
{
    private const string NtlmOid = "1.3.6.1.4.1.311.2.2.10";
    private static readonly X509Certificate2Collection _trusted = new();
    private static readonly ConcurrentDictionary<string, byte[]> _challenges = new(StringComparer.Ordinal);   // NTLM is connection-bound

    /// <summary>The server's JSON line (its listener addresses), set once every listener is bound.</summary>
    public static string Listeners { get; set; } = "{}";

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/listeners", c => Endpoints.WriteBytes(c, System.Text.Encoding.UTF8.GetBytes(Listeners), Endpoints.JsonType));
        app.MapPost("/client-cert/trust", TrustAsync);
        app.Map("/client-cert", ClientCertificate);
        app.Map("/ntlm/{user}/{pass}", (HttpContext c, string user, string pass) => Challenge(c, "NTLM", user, pass));
        app.Map("/negotiate/{user}/{pass}", (HttpContext c, string user, string pass) => Challenge(c, "Negotiate", user, pass));
    }

    /// <summary>What /echo reports of the connection: the client certificate offered, if any.</summary>
    public static object? Describe(X509Certificate2? certificate) =>
        certificate is null ? null : new { subject = certificate.Subject, issuer = certificate.Issuer, thumbprint = certificate.Thumbprint, trusted = IsTrusted(certificate) };

    /// <summary>POST /client-cert/trust: the body (a certificate, PEM or DER) becomes a CA that /client-cert trusts.</summary>
    private static async Task TrustAsync(HttpContext c)
    {
        using var body = new System.IO.MemoryStream();
        await c.Request.Body.CopyToAsync(body, c.RequestAborted);
        var ca = X509CertificateLoader.LoadCertificate(body.ToArray());
        lock (_trusted)
        {
            _trusted.Add(ca);
        }

        await Endpoints.WriteJson(c, new { trusted = ca.Thumbprint, subject = ca.Subject });
    }

    /// <summary>/client-cert: 200 with the client certificate when it chains to a trusted CA, else 403 (none offered, or an untrusted one).</summary>
    private static Task ClientCertificate(HttpContext c)
    {
        var certificate = c.Connection.ClientCertificate;
        var described = Describe(certificate);
        return certificate is not null && IsTrusted(certificate)
            ? Endpoints.WriteJson(c, new { authenticated = true, clientCertificate = described })
            : Endpoints.WriteJson(c, new { authenticated = false, clientCertificate = described }, 403);
    }

    private static bool IsTrusted(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        lock (_trusted)
        {
            if (_trusted.Count == 0)
            {
                return false;
            }

            chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        }

        return chain.Build(certificate);
    }

    /// <summary>
    /// /ntlm/{user}/{pass} and /negotiate/{user}/{pass}: 401 with the bare scheme; a NEGOTIATE message gets a
    /// CHALLENGE (remembered per connection); an AUTHENTICATE that proves the password gets 200 with the user.
    /// Negotiate carries the same NTLM messages inside SPNEGO tokens.
    /// </summary>
    private static Task Challenge(HttpContext c, string scheme, string user, string pass)
    {
        string authorization = c.Request.Headers.Authorization.ToString();
        byte[]? token = null;
        if (authorization.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                token = Convert.FromBase64String(authorization[(scheme.Length + 1)..].Trim());
            }
            catch (FormatException)
            {
            }
        }

        var (type, offset) = token is null ? (0, -1) : Ntlm.Find(token);
        if (type == 1)
        {
            var serverChallenge = RandomNumberGenerator.GetBytes(8);
            _challenges[c.Connection.Id] = serverChallenge;
            var challenge = Ntlm.Challenge(token!, offset, serverChallenge);
            return Unauthorized(c, scheme, scheme == "Negotiate" ? SpnegoResponse(1, challenge) : challenge);
        }

        if (type == 3 && _challenges.TryRemove(c.Connection.Id, out var sent))
        {
            var (client, domain, valid) = Ntlm.Verify(token!, offset, sent, pass);
            if (valid && string.Equals(client, user, StringComparison.OrdinalIgnoreCase))
            {
                if (scheme == "Negotiate")
                {
                    c.Response.Headers.WWWAuthenticate = "Negotiate " + Convert.ToBase64String(SpnegoResponse(0, null));
                }

                return Endpoints.WriteJson(c, new { authenticated = true, scheme, user = client, domain });
            }
        }

        return Unauthorized(c, scheme, null);
    }

    private static Task Unauthorized(HttpContext c, string scheme, byte[]? token)
    {
        c.Response.Headers.WWWAuthenticate = token is null ? scheme : scheme + " " + Convert.ToBase64String(token);
        return Endpoints.WriteJson(c, new { authenticated = false }, 401);
    }

    /// <summary>An SPNEGO NegTokenResp: state (0 accept-completed, 1 accept-incomplete), NTLM as the mechanism, and the NTLM message.</summary>
    private static byte[] SpnegoResponse(int state, byte[]? ntlm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                writer.WriteEnumeratedValue((NegState)state);
            }

            if (ntlm is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
                {
                    writer.WriteObjectIdentifier(NtlmOid);
                }

                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2)))
                {
                    writer.WriteOctetString(ntlm);
                }
            }
        }

        return writer.Encode();
    }

    private enum NegState
    {
        AcceptCompleted = 0,
        AcceptIncomplete = 1,
    }
}
