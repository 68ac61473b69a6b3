using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace AsyncWeb.Security;

/// <summary>The check used when certificates are verified: the runtime's own verdict (no policy error), with a failure that says why.</summary>
internal static class CertificateCheck
{
    // The rejections of requests still alive, for .NET Framework, whose HttpWebRequest may report the exception
    // thrown here as a bare SecureChannelFailure without it: the sender asks (Surface) when the send fails.
    private static readonly ConditionalWeakTable<HttpRequestMessage, CertificateRejectedException> s_rejections = new();

    /// <param name="sender">The request being sent (HttpClientHandler's callback), or the TLS stream (SocketsHttpHandler's).</param>
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var statuses = chain is null
            ? new List<X509ChainStatusFlags>()
            : chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        var rejected = new CertificateRejectedException(errors, string.Join(", ", statuses), CertificateAdvice.For(errors, statuses));
        if (sender is HttpRequestMessage request)
        {
            lock (s_rejections)
            {
                s_rejections.Remove(request);
                s_rejections.Add(request, rejected);
            }
        }

        throw rejected;
    }

    /// <summary>
    /// The failure of sending <paramref name="request"/> as it is to be classified: when this check rejected the
    /// request's certificate but <paramref name="failure"/> no longer says so, a failure that does (a rejected
    /// certificate is never transient); otherwise null, and the failure stands as it is.
    /// </summary>
    public static Exception? Surface(HttpRequestMessage request, Exception failure)
    {
        CertificateRejectedException? rejected;
        lock (s_rejections)
        {
            if (!s_rejections.TryGetValue(request, out rejected))
            {
                return null;
            }
        }

        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is CertificateRejectedException)
            {
                return null;
            }
        }

        return new HttpRequestException(rejected.Message, new CertificateRejectedException(rejected.Errors, rejected.ChainStatus, rejected.Advice, failure));
    }
}
