using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AsyncWeb.Security;

/// <summary>The check used when certificates are verified: the runtime's own verdict (no policy error), with a failure that says why.</summary>
internal static class CertificateCheck
{
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var statuses = chain is null
            ? new List<X509ChainStatusFlags>()
            : chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        throw new CertificateRejectedException(errors, string.Join(", ", statuses), CertificateAdvice.For(errors, statuses));
    }
}
