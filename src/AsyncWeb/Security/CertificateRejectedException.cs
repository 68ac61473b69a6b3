using System;
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
    public CertificateRejectedException(SslPolicyErrors errors, string chainStatus, string advice, Exception? inner = null)
        : base("the remote certificate is invalid: " + errors + (chainStatus.Length == 0 ? string.Empty : " (" + chainStatus + ")") + "; " + advice, inner)
    {
        Errors = errors;
        ChainStatus = chainStatus;
        Advice = advice;
    }

    public SslPolicyErrors Errors { get; }

    /// <summary>The chain's failed statuses, comma-separated; empty when there is no chain error.</summary>
    public string ChainStatus { get; }

    /// <summary>What to do about it, as the message ends.</summary>
    public string Advice { get; }
}
