using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Connections;
using AsyncWeb.Requests;
using AsyncWeb.Security;

namespace AsyncWeb.Binding;

/// <summary>The parameters that shape a connection pool and its credentials: Invoke-AsyncWebBatch and New-AsyncWebSession both have them.</summary>
internal interface IConnectionParameters
{
    X509Certificate2? Certificate { get; }
    string? CertificateThumbprint { get; }
    WebSslProtocol SslProtocol { get; }
    string? UnixSocket { get; }
    WebAuthentication Authentication { get; }
    PSCredential? Credential { get; }
    SecureString? Token { get; }
    SwitchParameter UseDefaultCredentials { get; }
}

/// <summary>
/// Turns a cmdlet's <see cref="IConnectionParameters"/> into handler settings (certificate, TLS versions,
/// Unix socket, handler credentials) and the authentication of the batch or session. Everything here is
/// checked before a request is sent; a problem stops the command with its ErrorId.
/// </summary>
internal static class ConnectionBinding
{
    public static (HandlerSettings Settings, ClientAuthentication? Authentication) Apply<TCmdlet>(TCmdlet cmdlet, HandlerSettings settings)
        where TCmdlet : PSCmdlet, IConnectionParameters
    {
        try
        {
            var authentication = ClientAuthentication.Create(
                cmdlet.Authentication,
                cmdlet.Credential?.GetNetworkCredential(),
                cmdlet.Token is null ? null : new NetworkCredential(string.Empty, cmdlet.Token).Password,
                cmdlet.UseDefaultCredentials);
            var sslProtocols = (SslProtocols)cmdlet.SslProtocol;
            FrameworkTls.Check(sslProtocols, FrameworkFacts.Current);
            return (settings with
            {
                ClientCertificate = Certificate(cmdlet.Certificate, cmdlet.CertificateThumbprint),
                SslProtocols = sslProtocols,
                UnixSocket = UnixSocket(cmdlet.UnixSocket is null ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(cmdlet.UnixSocket)),
                Credentials = authentication?.Handler,
            }, authentication);
        }
        catch (InvalidInputException invalid)
        {
            throw Stop(cmdlet, invalid);
        }
    }

    /// <summary>-BaseUri of a batch or a session, by the engine's one rule; a bad one stops the command without quoting it.</summary>
    public static void CheckBaseUri(PSCmdlet cmdlet, Uri? baseUri)
    {
        try
        {
            RequestRules.CheckBaseUri(baseUri);
        }
        catch (InvalidInputException invalid)
        {
            throw Stop(cmdlet, invalid);
        }
    }

    private static Exception Stop(PSCmdlet cmdlet, InvalidInputException invalid)
    {
        cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(invalid.Message), invalid.ErrorId, ErrorCategory.InvalidArgument, null));
        return invalid;
    }

    private static CertificateKey? Certificate(X509Certificate2? certificate, string? thumbprint)
    {
        if (certificate is not null && thumbprint is not null)
        {
            throw new InvalidInputException(ErrorIds.ConflictingParameters, "-Certificate and -CertificateThumbprint both name the client certificate; choose one");
        }

        if (thumbprint is not null)
        {
            certificate = FindInStores(thumbprint);
        }

        return certificate is null ? null : CertificateKey.From(certificate);
    }

    /// <summary>The certificate with this thumbprint in CurrentUser\My, else LocalMachine\My (where the system has one), preferring one with its private key.</summary>
    private static X509Certificate2 FindInStores(string thumbprint)
    {
        var wanted = thumbprint.Replace(" ", string.Empty).Replace("\u200e", string.Empty).ToUpperInvariant();
        X509Certificate2? withoutKey = null;
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            foreach (var found in Find(location, wanted))
            {
                if (found.HasPrivateKey)
                {
                    return found;
                }

                withoutKey ??= found;
            }
        }

        return withoutKey ?? throw new InvalidInputException(ErrorIds.CertificateNotFound,
            $"no certificate with the thumbprint {wanted} is in the CurrentUser\\My or LocalMachine\\My certificate store");
    }

    private static X509Certificate2Collection Find(StoreLocation location, string thumbprint)
    {
        try
        {
            using var store = new X509Store(StoreName.My, location);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            return store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
        }
        catch (CryptographicException)
        {
            // No such store here (LocalMachine\My on Linux and macOS, or a CurrentUser\My never created).
            return new X509Certificate2Collection();
        }
    }

    private static string? UnixSocket(string? path)
    {
#if NET
        return path;
#else
        return path is null ? null : throw new InvalidInputException(ErrorIds.UnixSocketNotSupported,
            "-UnixSocket needs PowerShell 7.4 or later: Windows PowerShell's HTTP stack (.NET Framework) cannot connect to a Unix domain socket");
#endif
    }
}
