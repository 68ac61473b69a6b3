using System;
using System.Net;
using System.Security.Authentication;
using AsyncWeb.Security;

namespace AsyncWeb.Connections;

/// <summary>Settings that select (and so share) one connection pool.</summary>
internal sealed record HandlerSettings(
    bool SkipCertificateCheck,
    Uri? Proxy,
    CredentialKey? ProxyCredential,
    bool NoProxy,
    TimeSpan ConnectTimeout,
    int MaxConnectionsPerServer,
    TimeSpan PooledConnectionLifetime)
{
    public static readonly TimeSpan DefaultPooledConnectionLifetime = TimeSpan.FromMinutes(5);

    // Authentication, TLS and Unix sockets: each selects a pool of its own too (see HandlerConfigurator).

    /// <summary>The client certificate offered in TLS handshakes (mutual TLS), compared by thumbprint.</summary>
    public CertificateKey? ClientCertificate { get; init; }

    /// <summary>The TLS versions allowed; None leaves the choice to the system.</summary>
    public SslProtocols SslProtocols { get; init; }

    /// <summary>The Unix domain socket every connection goes to instead of TCP (PowerShell 7 only).</summary>
    public string? UnixSocket { get; init; }

    /// <summary>
    /// Where every connection of this pool goes instead of the request's host (-Resolve, -ConnectTo, -EveryAddress); null: the
    /// host itself. Only requests pinned to this target use the pool (<see cref="ClientRoutes"/>), so its connections are theirs alone.
    /// </summary>
    public ConnectTarget? ConnectTarget { get; init; }

    /// <summary>Credentials the handler answers Negotiate or NTLM challenges with, on their origin only.</summary>
    public HandlerCredentials? Credentials { get; init; }
}
