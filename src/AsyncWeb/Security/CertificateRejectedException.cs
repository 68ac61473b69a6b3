using System.Linq;
using System.Net.Security;
using System.Security.Authentication;

namespace AsyncWeb.Security;

/// <summary>
/// A server certificate that failed validation (name mismatch, chain errors, none sent). Thrown by
/// <see cref="CertificateCheck.Validate"/> instead of returning false, so the failure keeps its kind through
/// HttpClient's wrapping: a certificate that is wrong now is wrong on the next attempt too, and is not retried.
/// </summary>
internal sealed class CertificateRejectedException : AuthenticationException
{
    public CertificateRejectedException(SslPolicyErrors errors, string chainStatus, string advice)
        : base("the remote certificate is invalid: " + errors + (chainStatus.Length == 0 ? string.Empty : " (" + chainStatus + ")") + "; " + advice)
    {
        Errors = errors;
    }

    public SslPolicyErrors Errors { get; }
}
