using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using AsyncWeb.Binding;
using AsyncWeb.Connections;

namespace AsyncWeb.Commands;

// Where and how to connect (proxy, certificate checks, HTTP version, authentication, client certificates, TLS versions, Unix sockets, -BaseUri) and the rule that a -Session owns its connections.
public sealed partial class InvokeAsyncWebBatchCommand
{
    /// <summary>Accept any TLS certificate (test servers only).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Proxy server for every request.</summary>
    [Parameter]
    [UriTransformation]
    public Uri? Proxy { get; set; }

    /// <summary>Credential for the proxy.</summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Ignore proxy settings from the environment.</summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    /// <summary>
    /// The HTTP version to speak, pinned: 1.0, 1.1, 2.0 or 3.0 (where the runtime supports QUIC). Not given:
    /// negotiated, HTTP/2 over https when the server offers it by ALPN, HTTP/1.1 otherwise and over http.
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(HttpVersionCompleter))]
    public Version? HttpVersion { get; set; }

    /// <summary>Basic and Bearer (OAuth) send -Credential or -Token with every request; Negotiate and NTLM answer the server's challenge.</summary>
    [Parameter]
    public WebAuthentication Authentication { get; set; }

    /// <summary>User and password: Basic unless -Authentication says Negotiate or NTLM.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Bearer token (never shown).</summary>
    [Parameter]
    public SecureString? Token { get; set; }

    /// <summary>Answer Negotiate or NTLM challenges with the identity of the current user.</summary>
    [Parameter]
    public SwitchParameter UseDefaultCredentials { get; set; }

    /// <summary>Allow credentials over plain http, where they travel in clear text.</summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    /// <summary>Client certificate (with its private key) for mutual TLS.</summary>
    [Parameter]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Thumbprint of a client certificate in CurrentUser\My (or LocalMachine\My).</summary>
    [Parameter]
    public string? CertificateThumbprint { get; set; }

    /// <summary>TLS versions allowed: Default (the system's), Tls12, Tls13.</summary>
    [Parameter]
    public WebSslProtocol SslProtocol { get; set; }

    /// <summary>Connect to this Unix domain socket instead of TCP; the URI still names the host and path (PowerShell 7 only).</summary>
    [Parameter]
    public string? UnixSocket { get; set; }

    /// <summary>Relative URIs resolve against this (without -Session).</summary>
    [Parameter]
    [UriTransformation]
    public Uri? BaseUri { get; set; }

    private void RejectHandlerSettingsWithSession()
    {
        if (Session is null)
        {
            return;
        }

        foreach (var name in new[] { nameof(SkipCertificateCheck), nameof(Proxy), nameof(ProxyCredential), nameof(NoProxy), nameof(ConnectTimeoutSec),
            nameof(Authentication), nameof(Credential), nameof(Token), nameof(UseDefaultCredentials), nameof(AllowUnencryptedAuthentication),
            nameof(Certificate), nameof(CertificateThumbprint), nameof(SslProtocol), nameof(UnixSocket), nameof(BaseUri) })
        {
            if (MyInvocation.BoundParameters.ContainsKey(name))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-{name} cannot be combined with -Session: the session owns its connections; set it on New-AsyncWebSession"),
                    ErrorIds.ParameterConflictsWithSession, ErrorCategory.InvalidArgument, name));
            }
        }

        if (Session.IsDisposed)
        {
            ThrowTerminatingError(new ErrorRecord(new ObjectDisposedException("AsyncWebSession", "the session was disposed; create a new one with New-AsyncWebSession"),
                ErrorIds.SessionDisposed, ErrorCategory.InvalidArgument, Session));
        }
    }

    /// <summary>Adds the certificate, TLS versions, Unix socket and credentials to the pool's settings; a misfit stops the batch.</summary>
    private HandlerSettings Connection(HandlerSettings settings)
    {
        ConnectionBinding.CheckBaseUri(this, BaseUri);

        if (UnixSocket is not null && Proxy is not null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-UnixSocket and -Proxy both say where to connect; choose one"), ErrorIds.ConflictingParameters, ErrorCategory.InvalidArgument, null));
        }

        (settings, _authentication) = ConnectionBinding.Apply(this, settings);
        return settings;
    }

    private Version? ValidVersion(Version? version)
    {
        if (version is null)
        {
            return null;
        }

        var normal = new Version(version.Major, Math.Max(version.Minor, 0));
#if NET
        if (normal == System.Net.HttpVersion.Version10 || normal == System.Net.HttpVersion.Version11
            || normal == System.Net.HttpVersion.Version20 || normal == System.Net.HttpVersion.Version30)
        {
            return normal;
        }

        const string supported = "use 1.0, 1.1, 2.0 or 3.0";
#else
        // Windows PowerShell's HTTP stack (.NET Framework's HttpClientHandler) speaks HTTP/1.x only.
        if (normal == System.Net.HttpVersion.Version10 || normal == System.Net.HttpVersion.Version11)
        {
            return normal;
        }

        const string supported = "use 1.0, 1.1 (2.0 and 3.0 need PowerShell 7.4 or later)";
#endif

        ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-HttpVersion {version} is not supported; {supported}"),
            ErrorIds.InvalidHttpVersion, ErrorCategory.InvalidArgument, version));
        return normal;
    }
}
