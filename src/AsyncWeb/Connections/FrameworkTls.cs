using System.Security.Authentication;
using AsyncWeb.Requests;

namespace AsyncWeb.Connections;

/// <summary>
/// The TLS versions HttpClientHandler is given on .NET Framework. There -SslProtocol Default would mean
/// ServicePointManager.SecurityProtocol, which powershell.exe leaves at Ssl3 and TLS 1.0 unless the
/// SchUseStrongCrypto or SystemDefaultTlsVersions registry keys say otherwise, so a TLS 1.2-only server fails.
/// HttpClientHandler hands its SslProtocols to each HttpWebRequest it makes (the request's own setting), so
/// choosing them here changes nothing for other code in the process: ServicePointManager is never written.
/// </summary>
internal static class FrameworkTls
{
    /// <summary>
    /// The handler's SslProtocols for the versions the user asked for (None for -SslProtocol Default). Off .NET
    /// Framework, and where the process already allows TLS 1.2 (or leaves the choice to Windows, SystemDefault),
    /// the request stands; otherwise Default becomes TLS 1.2, and 1.3 too where both Windows and the framework have it.
    /// </summary>
    public static SslProtocols ForHandler(SslProtocols requested, FrameworkFacts facts)
    {
        if (!facts.IsNetFramework || requested != SslProtocols.None
            || facts.ProcessProtocols == SslProtocols.None || (facts.ProcessProtocols & FrameworkFacts.Tls12) != 0)
        {
            return requested;
        }

        return facts.FrameworkKnowsTls13 && facts.WindowsHasTls13 ? FrameworkFacts.Tls12 | FrameworkFacts.Tls13 : FrameworkFacts.Tls12;
    }

    /// <summary>Refuses, with TlsVersionNotSupported, TLS 1.3 asked for on a .NET Framework that cannot offer it (4.7.2): it would otherwise fail with the handler's raw NotSupportedException.</summary>
    public static void Check(SslProtocols requested, FrameworkFacts facts)
    {
        if (facts.IsNetFramework && !facts.FrameworkKnowsTls13 && (requested & FrameworkFacts.Tls13) != 0)
        {
            throw new InvalidInputException(ErrorIds.TlsVersionNotSupported,
                "-SslProtocol Tls13 needs .NET Framework 4.8 or later under Windows PowerShell (this is 4.7.2, which cannot offer TLS 1.3); use -SslProtocol Tls12 or Default, or PowerShell 7");
        }
    }
}
