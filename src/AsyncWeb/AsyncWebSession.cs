using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security;
using AsyncWeb.Connections;
using AsyncWeb.Security;

namespace AsyncWeb;

/// <summary>
/// A reusable connection pool with its own settings: base URI, default headers, cookies,
/// credentials and handler options. Made by New-AsyncWebSession; pass it to -Session. Dispose it
/// (or remove the module) to close its connections.
/// </summary>
public sealed class AsyncWebSession : IDisposable
{
    private readonly Lazy<HttpMessageInvoker> _client;
    private readonly LeasePool<HandlerSettings, HttpMessageInvoker> _routes;
    private readonly SecureString? _token;
    private readonly PSCredential? _credential;
    private bool _disposed;

    internal AsyncWebSession(
        Uri? baseUri,
        IReadOnlyDictionary<string, string> headers,
        SecureString? token,
        PSCredential? credential,
        bool allowUnencryptedAuthentication,
        HandlerSettings settings)
    {
        BaseUri = baseUri;
        AllowUnencryptedAuthentication = allowUnencryptedAuthentication;
        Headers = headers;
        _token = token?.Copy();
        _token?.MakeReadOnly();
        _credential = credential;
        Settings = settings;
        Cookies = new CookieContainer();
        _client = new Lazy<HttpMessageInvoker>(() => ClientPool.CreateClient(ClientPool.CreateHandler(settings, Cookies)));
        _routes = new LeasePool<HandlerSettings, HttpMessageInvoker>(ClientPool.MaxClients, s => ClientPool.CreateClient(ClientPool.CreateHandler(s, Cookies)));
    }

    /// <summary>Relative -Uri values resolve against this.</summary>
    public Uri? BaseUri { get; }

    /// <summary>Headers sent with every request of the session (a request's own headers win).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Cookies set by responses, sent back on later requests of the session.</summary>
    public CookieContainer Cookies { get; }

    /// <summary>User name of the basic-auth credential, if any (the password is never shown).</summary>
    public string? UserName => _credential?.UserName;

    /// <summary>True when a bearer token is set (the token itself is never shown).</summary>
    public bool HasToken => _token is not null;

    /// <summary>True when the token or credential may go to an http:// base URI in clear text.</summary>
    public bool AllowUnencryptedAuthentication { get; }

    /// <summary>Skip TLS certificate validation for this session's connections.</summary>
    public bool SkipCertificateCheck => Settings.SkipCertificateCheck;

    /// <summary>Proxy for this session's requests, if any.</summary>
    public Uri? Proxy => Settings.Proxy;

    /// <summary>Most connections to one server at a time (0: no limit).</summary>
    public int MaximumConnectionsPerHost => Settings.MaxConnectionsPerServer;

    /// <summary>How long a pooled connection is reused before it is replaced (DNS changes are noticed).</summary>
    public TimeSpan ConnectionLifetime => Settings.PooledConnectionLifetime;

    /// <summary>Connect timeout of this session's connections.</summary>
    public TimeSpan ConnectTimeout => Settings.ConnectTimeout;

    /// <summary>True after Dispose.</summary>
    public bool IsDisposed => _disposed;

    // Authentication, TLS and Unix sockets

    /// <summary>The scheme in effect: Basic, Bearer, Negotiate or NTLM (None without credentials).</summary>
    public WebAuthentication Authentication { get; internal init; }

    /// <summary>True when Negotiate or NTLM challenges are answered with the current user's identity.</summary>
    public bool UseDefaultCredentials => Settings.Credentials?.IsDefault == true;

    /// <summary>Thumbprint of the client certificate offered for mutual TLS, if any (the key is never shown).</summary>
    public string? CertificateThumbprint => Settings.ClientCertificate?.Thumbprint;

    /// <summary>The TLS versions allowed (Default: the system's).</summary>
    public WebSslProtocol SslProtocol => (WebSslProtocol)Settings.SslProtocols;

    /// <summary>The Unix domain socket the session's connections go to, if any.</summary>
    public string? UnixSocket => Settings.UnixSocket;

    internal HandlerSettings Settings { get; }

    /// <summary>Negotiate or NTLM credentials the session's handler answers challenges with, or null.</summary>
    internal HandlerCredentials? HandlerCredentials => Settings.Credentials;

    internal HttpMessageInvoker Client
    {
        get
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(AsyncWebSession), "this AsyncWeb session was disposed; create a new one with New-AsyncWebSession");
            }

            return _client.Value;
        }
    }

    /// <summary>
    /// The session's client for other handler settings: a pinned target (-Resolve, -ConnectTo) or an item's own proxy
    /// route; its settings otherwise, its cookies, a pool of its own (at most ClientPool.MaxClients kept idle).
    /// </summary>
    internal (HttpMessageInvoker Client, IDisposable? Lease) RouteClient(HandlerSettings settings)
    {
        _ = Client; // refuses a disposed session
        var lease = _routes.Rent(settings);
        return (lease.Value, lease);
    }

    /// <summary>True when the session's credentials may go to <paramref name="uri"/>: its base URI's origin only.</summary>
    internal bool CredentialsMayGoTo(Uri uri) =>
        BaseUri is not null && CredentialPolicy.Check(BaseUri, uri, AllowUnencryptedAuthentication) == CredentialVerdict.Send;

    /// <summary>The Authorization header value the session adds (same-origin requests only), or null.</summary>
    internal string? AuthorizationValue()
    {
        if (Authentication is WebAuthentication.Negotiate or WebAuthentication.NTLM)
        {
            return null;  // the handler answers the server's challenge (see HandlerCredentials)
        }

        if (_token is not null)
        {
            return ClientAuthentication.BearerValue(Plain(_token));
        }

        if (_credential is not null)
        {
            return ClientAuthentication.BasicValue(_credential.GetNetworkCredential());
        }

        return null;
    }

    /// <summary>Closes the session's connections.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }

        _routes.Clear();
        _token?.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => "AsyncWebSession " + (BaseUri is null ? "(no base URI)" : UriRedaction.Redact(BaseUri));

    private static string Plain(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
