using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Security;
using AsyncWeb.Timeouts;
using AsyncWeb.Timing;

namespace AsyncWeb.Connections;

/// <summary>
/// Module-wide clients (invokers over a handler), one per distinct handler settings (compared by value, proxy credential
/// included), reused across requests and across cmdlet calls so connections stay warm. At most
/// <see cref="MaxClients"/> are kept: beyond that the least recently used idle one is closed. Redirects,
/// timeouts and decompression are handled by the engine, per request, so the handler settings that
/// matter are few.
/// </summary>
internal static class ClientPool
{
    /// <summary>More distinct connection settings than one script realistically mixes; a loop over many (proxy credentials, connect timeouts) stays bounded.</summary>
    public const int MaxClients = 16;

    private static readonly LeasePool<HandlerSettings, HttpMessageInvoker> s_clients = new(MaxClients, static s => CreateClient(CreateHandler(s, cookies: null)));

    /// <summary>The shared client for these settings; dispose the lease when the batch is done with it.</summary>
    public static LeasePool<HandlerSettings, HttpMessageInvoker>.Lease Rent(HandlerSettings settings) => s_clients.Rent(settings);

    /// <summary>Closes every pooled connection (module removal).</summary>
    public static void Clear() => s_clients.Clear();

    /// <summary>
    /// The sender over one handler: an invoker, not an HttpClient. The engine builds every message itself (version, headers)
    /// and keeps its own deadlines, so HttpClient's per-request work (a linked CancellationTokenSource registered on the
    /// client's shared one, an async frame, its timeout) bought nothing; RequestSender keeps its cancellation wrapping.
    /// </summary>
    public static HttpMessageInvoker CreateClient(HttpMessageHandler handler) => new(handler, disposeHandler: true);

#if NET
    /// <summary>Builds the one handler shape AsyncWeb uses; sessions pass their own cookie container.</summary>
    public static HttpMessageHandler CreateHandler(HandlerSettings settings, CookieContainer? cookies)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None, // a download is the server's bytes; memory bodies are decoded by ContentEncodingDecoder
            UseCookies = cookies is not null,
            PooledConnectionLifetime = settings.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            MaxConnectionsPerServer = settings.MaxConnectionsPerServer > 0 ? settings.MaxConnectionsPerServer : int.MaxValue,
            MaxResponseHeadersLength = 1024,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Timeout.InfiniteTimeSpan,
        };
        if (cookies is not null)
        {
            handler.CookieContainer = cookies;
        }

        if (settings.NoProxy)
        {
            handler.UseProxy = false;
        }
        else if (settings.Proxy is not null)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(settings.Proxy) { Credentials = settings.ProxyCredential?.Credential };
        }

        handler.SslOptions = CreateSslOptions(settings.SkipCertificateCheck);
        handler.ConnectCallback = CreateConnectCallback(settings);

        // Phase timings: how each connection was opened, and which requests used it (ConnectionStream).
        handler.PlaintextStreamFilter = ConnectionTimings.FilterAsync;
        HandlerConfigurator.Apply(handler, settings);
        return handler;
    }

    /// <summary>
    /// The one connect callback, over TCP or a Unix socket (-UnixSocket) alike: both connect within
    /// ConnectTimeout and return the stream phase timings read (<see cref="ConnectionTimings.Connected"/>),
    /// so connect time, reuse and the TLS phase are seen the same way over either.
    /// </summary>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> CreateConnectCallback(HandlerSettings settings)
    {
        var connectTimeout = settings.ConnectTimeout;
        if (settings.UnixSocket is { } path)
        {
            return (context, cancellationToken) => UnixSocketConnector.ConnectAsync(path, context.InitialRequestMessage, connectTimeout, cancellationToken);
        }

        if (settings.ConnectTarget is { } target)
        {
            // A pinned pool: whatever host the request names (it keeps its Host header, SNI and certificate check), connect here.
            return (context, cancellationToken) => ConnectAsync(new DnsEndPoint(target.Host ?? context.DnsEndPoint.Host, target.Port), target.Addresses, context.InitialRequestMessage, connectTimeout, cancellationToken);
        }

        return (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, null, context.InitialRequestMessage, connectTimeout, cancellationToken);
    }

    /// <summary>
    /// Certificate checks that never wait on the network, as curl's: no revocation lookup and no download
    /// of an issuer the server did not send (AIA), which the runtime would otherwise attempt for up to
    /// 15 s per handshake, even under -SkipCertificateCheck (the chain is built before the callback
    /// that ignores it). TLS session resumption stays on (the runtime keys it by host name). When verifying, the
    /// runtime's verdict stands; <see cref="CertificateCheck"/> only makes a rejection recognisable (not retried).
    /// </summary>
    internal static SslClientAuthenticationOptions CreateSslOptions(bool skipCertificateCheck) => new()
    {
        CertificateChainPolicy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        },
        RemoteCertificateValidationCallback = skipCertificateCheck ? static (_, _, _, _) => true : CertificateCheck.Validate,
    };
#else
    /// <summary>
    /// Builds the one handler shape AsyncWeb uses on Windows PowerShell 5.1 (HttpClientHandler over
    /// .NET Framework's HTTP stack). It has no connect callback: ConnectTimeout is not enforced on its
    /// own, the first silence allowance (OperationTimeout + ConnectTimeout) covers opening the
    /// connection; PooledConnectionLifetime is left to ServicePointManager.
    /// </summary>
    public static HttpMessageHandler CreateHandler(HandlerSettings settings, CookieContainer? cookies)
    {
        var onFramework = FrameworkFacts.Current.IsNetFramework;
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None, // as above: decoding is per request, in ContentEncodingDecoder
            UseCookies = cookies is not null,
            MaxResponseHeadersLength = 1024,
        };
        if (!onFramework)
        {
            // On .NET Framework this would be written onto the process-wide ServicePoint at every request: ServicePointHandler raises it instead.
            handler.MaxConnectionsPerServer = settings.MaxConnectionsPerServer > 0 ? settings.MaxConnectionsPerServer : int.MaxValue;
        }

        if (cookies is not null)
        {
            handler.CookieContainer = cookies;
        }

        if (settings.NoProxy)
        {
            handler.UseProxy = false;
        }
        else if (settings.Proxy is not null)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(settings.Proxy) { Credentials = settings.ProxyCredential?.Credential };
        }

        handler.ServerCertificateCustomValidationCallback = settings.SkipCertificateCheck
            ? static (_, _, _, _) => true
            : static (request, certificate, chain, errors) => CertificateCheck.Validate(request, certificate, chain, errors);

        if (HandlerConfigurator.UsesSystemProxy(settings, onFramework))
        {
            // .NET Framework answers an authenticating system proxy (407) only with credentials it is given.
            handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
        }

        HandlerConfigurator.Apply(handler, settings);
        return onFramework ? new ServicePointHandler(handler, settings) : handler;
    }
#endif

#if NET
    /// <summary>
    /// Opens a TCP connection within ConnectTimeout to <paramref name="endPoint"/>, its name looked up through the shared
    /// <see cref="NameResolver"/>, or to <paramref name="pinned"/> addresses at its port without a lookup; several
    /// addresses are tried by <see cref="HappyEyeballs"/>.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, IReadOnlyList<IPAddress>? pinned, HttpRequestMessage initialRequest, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (connectTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(connectTimeout);
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var addresses = pinned ?? await NameResolver.Shared.ResolveAsync(endPoint.Host, timeout.Token).ConfigureAwait(false);
            var resolved = pinned is null ? Stopwatch.GetTimestamp() : started; // a pinned name is not looked up: no DNS phase
            var socket = await HappyEyeballs.ConnectAsync(addresses, endPoint.Port, HappyEyeballs.DefaultAttemptDelay, timeout.Token).ConfigureAwait(false);
            return ConnectionTimings.Connected(socket, started, resolved, initialRequest);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectTimeoutException($"{endPoint.Host}:{endPoint.Port}", connectTimeout);
        }
    }
#endif
}
