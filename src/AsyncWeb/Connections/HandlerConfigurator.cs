using System.Net.Http;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AsyncWeb.Connections;

/// <summary>
/// Applies the connection settings to a handler ClientPool built: TLS versions, the client
/// certificate (always offered, whatever CAs the server names), the credentials that answer Negotiate and
/// NTLM challenges, and no proxy in front of a Unix socket (ClientPool's connect callback connects to it).
/// </summary>
internal static class HandlerConfigurator
{
    /// <summary>
    /// Whether the handler goes through the system's proxy (no -Proxy, no -NoProxy) on .NET Framework, where that
    /// proxy is answered with the process's own Windows identity when it asks (407), as Windows' own HTTP clients
    /// do: the proxy is the one the machine is configured with. An explicit -Proxy uses -ProxyCredential only.
    /// </summary>
    public static bool UsesSystemProxy(HandlerSettings settings, bool onFramework) =>
        onFramework && !settings.NoProxy && settings.Proxy is null && settings.UnixSocket is null;

#if NET
    public static void Apply(SocketsHttpHandler handler, HandlerSettings settings)
    {
        if (settings.SslProtocols != SslProtocols.None)
        {
            handler.SslOptions.EnabledSslProtocols = settings.SslProtocols;
        }

        if (settings.ClientCertificate is { } key)
        {
            var certificate = key.Certificate;
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (settings.Credentials is { } credentials)
        {
            handler.Credentials = credentials;
        }

        if (settings.UnixSocket is not null || settings.ConnectTarget is not null)
        {
            // The socket (or the pinned address) is the destination: no proxy can stand in between. ClientPool's connect callback connects to it.
            handler.UseProxy = false;
        }
    }
#else
    public static void Apply(HttpClientHandler handler, HandlerSettings settings)
    {
        // On .NET Framework -SslProtocol Default may still need TLS 1.2 named (FrameworkTls); per request, not process-wide.
        var sslProtocols = FrameworkTls.ForHandler(settings.SslProtocols, FrameworkFacts.Current);
        if (sslProtocols != SslProtocols.None)
        {
            handler.SslProtocols = sslProtocols;
        }

        if (settings.ClientCertificate is { } key)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(key.Certificate);
        }

        if (settings.Credentials is { } credentials)
        {
            handler.Credentials = credentials;
        }
    }
#endif
}
