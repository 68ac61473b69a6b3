#if NET
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Timing;

/// <summary>
/// What can be said honestly about HTTP/2 requests, whose frames one loop per connection writes: the
/// request that caused a connection to open (the runtime's InitialRequestMessage) is told that
/// connection's phases; any other request rode on a connection it did not open (reused), and its
/// address is known when every open HTTP/2 connection to its origin has the same address and TLS version.
/// </summary>
internal static class Http2Connections
{
    private static readonly ConditionalWeakTable<HttpRequestMessage, ConnectionInfo> s_openers = new();
    private static readonly Dictionary<(string Scheme, string Host, int Port), List<ConnectionInfo>> s_open = new();
    private static readonly Dictionary<ConnectionInfo, (string Scheme, string Host, int Port)> s_origins = new();
    private static readonly object s_gate = new();

    public static void Opened(HttpRequestMessage initial, ConnectionInfo info)
    {
        s_openers.AddOrUpdate(initial, info);
        if (initial.RequestUri is not { } uri)
        {
            return;
        }

        var origin = Origin(uri);
        lock (s_gate)
        {
            if (!s_open.TryGetValue(origin, out var open))
            {
                s_open[origin] = open = new List<ConnectionInfo>(1);
            }

            open.Add(info);
            s_origins[info] = origin;
        }
    }

    public static void Closed(ConnectionInfo info)
    {
        lock (s_gate)
        {
            if (s_origins.Remove(info, out var origin) && s_open.TryGetValue(origin, out var open))
            {
                open.Remove(info);
                if (open.Count == 0)
                {
                    s_open.Remove(origin);
                }
            }
        }
    }

    /// <summary>The connection an HTTP/2 request used, where it can be told, and whether it was reused.</summary>
    public static (ConnectionInfo? Connection, bool? Reused) Attribute(HttpRequestMessage request)
    {
        if (s_openers.TryGetValue(request, out var opened))
        {
            s_openers.Remove(request);
            return (opened, false);
        }

        if (request.RequestUri is not { } uri)
        {
            return (null, true);
        }

        lock (s_gate)
        {
            if (!s_open.TryGetValue(Origin(uri), out var open) || open.Count == 0)
            {
                return (null, true);
            }

            var first = open[0];
            foreach (var other in open)
            {
                if (!Equals(other.Remote, first.Remote) || other.TlsProtocol != first.TlsProtocol)
                {
                    return (null, true);
                }
            }

            return (first, true);
        }
    }

    private static (string Scheme, string Host, int Port) Origin(Uri uri) => (uri.Scheme, uri.IdnHost, uri.Port);
}
#endif
