using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Requests;

namespace AsyncWeb.Security;

/// <summary>
/// A client certificate (mutual TLS) as part of a connection pool's key: two objects for the same certificate
/// (same thumbprint) select the same pool. Holds its own copy, so a caller disposing theirs cannot break the
/// pooled connections; never shows more than the subject and thumbprint.
/// </summary>
internal sealed class CertificateKey : IEquatable<CertificateKey>
{
    private CertificateKey(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Thumbprint = certificate.Thumbprint;
    }

    /// <summary>The certificate, with its private key, for the TLS handshake.</summary>
    public X509Certificate2 Certificate { get; }

    public string Thumbprint { get; }

    /// <summary>A key for <paramref name="certificate"/>, which must carry its private key (the handshake needs it).</summary>
    public static CertificateKey From(X509Certificate2 certificate)
    {
        bool hasKey;
        try
        {
            hasKey = certificate.HasPrivateKey;
        }
        catch (CryptographicException)
        {
            hasKey = false;
        }

        if (!hasKey)
        {
            throw new InvalidInputException(ErrorIds.CertificateWithoutPrivateKey,
                $"the client certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key; mutual TLS needs one (import the .pfx, or use the certificate store's copy)");
        }

        return new CertificateKey(new X509Certificate2(certificate));
    }

    public bool Equals(CertificateKey? other) => other is not null && string.Equals(Thumbprint, other.Thumbprint, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as CertificateKey);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Thumbprint);

    /// <summary>Only what identifies it: pool keys (records) print their members.</summary>
    public override string ToString() => $"{Certificate.Subject} ({Thumbprint})";
}
