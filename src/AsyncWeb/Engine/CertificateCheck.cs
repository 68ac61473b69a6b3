using System;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AsyncWeb.Engine;

/// <summary>
/// A server certificate that failed validation (name mismatch, chain errors, none sent). Thrown by
/// <see cref="CertificateCheck.Validate"/> instead of returning false, so the failure keeps its kind through
/// HttpClient's wrapping: a certificate that is wrong now is wrong on the next attempt too, and is not retried.
/// </summary>
internal sealed class CertificateRejectedException : AuthenticationException
{
    public CertificateRejectedException(SslPolicyErrors errors, string chainStatus)
        : base("the remote certificate is invalid: " + errors + (chainStatus.Length == 0 ? string.Empty : " (" + chainStatus + ")"))
    {
        Errors = errors;
    }

    public SslPolicyErrors Errors { get; }
}

/// <summary>The check used when certificates are verified: the runtime's own verdict (no policy error), with a failure that says why.</summary>
internal static class CertificateCheck
{
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var chainStatus = chain is null
            ? string.Empty
            : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct());
        throw new CertificateRejectedException(errors, chainStatus);
    }
}
