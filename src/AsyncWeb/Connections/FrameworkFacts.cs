using System;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace AsyncWeb.Connections;

/// <summary>
/// What the running .NET is, as the Windows PowerShell 5.1 decisions need it: whether this is .NET Framework
/// (HttpWebRequest, ServicePoint and SChannel under HttpClientHandler), its process-wide TLS setting, and
/// whether TLS 1.3 can be asked for. The decisions take these as input, so a test can state either runtime.
/// </summary>
internal sealed record FrameworkFacts(bool IsNetFramework, SslProtocols ProcessProtocols, bool FrameworkKnowsTls13, bool WindowsHasTls13)
{
    /// <summary>The first Windows build with TLS 1.3 on by default in SChannel (Windows Server 2022; Windows 11 is 22000).</summary>
    public const int FirstWindowsBuildWithTls13 = 20348;

    /// <summary>SslProtocols.Tls13, which netstandard2.0 does not name.</summary>
    public const SslProtocols Tls13 = (SslProtocols)12288;

    /// <summary>SslProtocols.Tls12.</summary>
    public const SslProtocols Tls12 = (SslProtocols)3072;

    /// <summary>PowerShell 7's runtime (and the netstandard2.0 build's test pass on it): none of the .NET Framework rules apply.</summary>
    public static readonly FrameworkFacts Modern = new(false, SslProtocols.None, true, true);

    private static readonly Lazy<FrameworkFacts> s_current = new(Read);

    /// <summary>The running process's facts, read once.</summary>
    public static FrameworkFacts Current => s_current.Value;

    /// <summary>True on .NET Framework ("4.8.9032.0" as ".NET Framework 4.8.9032.0"); false on .NET (Core) and Mono.</summary>
    public static bool IsNetFrameworkDescription(string frameworkDescription) =>
        frameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

    private static FrameworkFacts Read()
    {
        if (!IsNetFrameworkDescription(RuntimeInformation.FrameworkDescription))
        {
            return Modern;
        }

        var windowsHasTls13 = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && Environment.OSVersion.Version.Build >= FirstWindowsBuildWithTls13;
        return new FrameworkFacts(true, (SslProtocols)(int)ServicePointManager.SecurityProtocol, HandlerAcceptsTls13(), windowsHasTls13);
    }

    /// <summary>.NET Framework 4.8's HttpClientHandler takes Tls13; 4.7.2's refuses it with NotSupportedException. Asked, not guessed from a version.</summary>
    private static bool HandlerAcceptsTls13()
    {
        using var probe = new HttpClientHandler();
        try
        {
            probe.SslProtocols = Tls13;
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
