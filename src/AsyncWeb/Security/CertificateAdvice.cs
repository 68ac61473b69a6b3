using System.Collections.Generic;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AsyncWeb.Security;

/// <summary>
/// What to do about a rejected server certificate, by what was wrong with it: the fix on the server or in the
/// trust store first; -SkipCertificateCheck last, and only for a test server.
/// </summary>
internal static class CertificateAdvice
{
    private const string Trust =
        "trust the CA that issued it (Windows: Import-Certificate -CertStoreLocation Cert:\\CurrentUser\\Root; Linux: copy it to /usr/local/share/ca-certificates and run update-ca-certificates; macOS: add it to the System keychain as trusted)";

    private const string Skip = "for a test server only, -SkipCertificateCheck accepts any certificate";

    public static string For(SslPolicyErrors errors, ICollection<X509ChainStatusFlags> chain)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the server sent no certificate; check that the port speaks TLS";
        }

        var fixes = new List<string>();
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            fixes.Add("use the host name the certificate was issued for, or have the server present one for this name");
        }

        if (chain.Contains(X509ChainStatusFlags.NotTimeValid))
        {
            fixes.Add("the certificate has expired or is not valid yet: renew it on the server (and check this machine's clock)");
        }

        if (chain.Contains(X509ChainStatusFlags.PartialChain))
        {
            fixes.Add("the server did not send its intermediate certificate: configure the server's full chain, or " + Trust);
        }
        else if (chain.Contains(X509ChainStatusFlags.UntrustedRoot) || ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && fixes.Count == 0))
        {
            fixes.Add("a self-signed or private-CA certificate: " + Trust);
        }

        fixes.Add(Skip);
        return string.Join("; ", fixes);
    }
}
