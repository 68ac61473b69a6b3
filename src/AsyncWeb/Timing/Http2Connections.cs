#if NET
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;

namespace AsyncWeb.Timing;

/// <summary>
/// What can be said honestly about HTTP/2 requests, whose frames one loop per connection writes: the
/// request that caused a connection to open (the runtime's InitialRequestMessage) is told that
/// connection's phases; any other request rode on a connection it did not open (reused), and its
/// address is known when every open HTTP/2 connection to its origin has the same address and TLS version.
/// That answer is worked out per origin when a connection opens or closes (rare), and published for the
/// requests (every one) to read without a lock: a short array while few origins are open, else a dictionary.
/// </summary>
internal static class Http2Connections
{
    /// <summary>Up to this many open origins, a request finds its own by comparing, without hashing strings.</summary>
    private const int FewOrigins = 8;

    private static readonly ConditionalWeakTable<HttpRequestMessage, ConnectionInfo> s_openers = new();
    private static readonly object s_gate = new();

    // Under s_gate: the open connections of each origin, oldest first, and the origin of each.
    private static readonly Dictionary<Origin, List<ConnectionInfo>> s_open = new();
    private static readonly Dictionary<ConnectionInfo, Origin> s_origins = new();

    // Written under s_gate, read by any request: each open origin's answer; all of them while they are few, else null.
    private static readonly ConcurrentDictionary<Origin, Answer> s_answers = new();
    private static Answer[]? s_few = [];

    public static void Opened(HttpRequestMessage initial, ConnectionInfo info)
    {
        s_openers.AddOrUpdate(initial, info);
        if (initial.RequestUri is not { } uri)
        {
            return;
        }

        var origin = new Origin(uri);
        lock (s_gate)
        {
            if (!s_open.TryGetValue(origin, out var open))
            {
                s_open[origin] = open = new List<ConnectionInfo>(1);
            }

            open.Add(info);
            s_origins[info] = origin;
            Publish(origin, open);
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

                Publish(origin, open);
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

        if (Volatile.Read(ref s_few) is { } few)
        {
            foreach (var answer in few)
            {
                if (answer.Origin.Is(uri))
                {
                    return (answer.Agreed, true);
                }
            }

            return (null, true);
        }

        return (s_answers.TryGetValue(new Origin(uri), out var found) ? found.Agreed : null, true);
    }

    /// <summary>Under s_gate, after the open connections of <paramref name="origin"/> changed.</summary>
    private static void Publish(Origin origin, List<ConnectionInfo> open)
    {
        if (open.Count == 0)
        {
            s_answers.TryRemove(origin, out _);
        }
        else
        {
            s_answers[origin] = new Answer(origin, Agreed(open));
        }

        Volatile.Write(ref s_few, s_open.Count <= FewOrigins ? s_answers.Values.ToArray() : null);
    }

    /// <summary>The oldest open connection when all of them share address and TLS version; else none can be named.</summary>
    private static ConnectionInfo? Agreed(List<ConnectionInfo> open)
    {
        var first = open[0];
        foreach (var other in open)
        {
            if (!Equals(other.Remote, first.Remote) || other.TlsProtocol != first.TlsProtocol)
            {
                return null;
            }
        }

        return first;
    }

    private readonly record struct Origin(string Scheme, string Host, int Port)
    {
        public Origin(Uri uri)
            : this(uri.Scheme, uri.IdnHost, uri.Port)
        {
        }

        public bool Is(Uri uri) =>
            Port == uri.Port && string.Equals(Host, uri.IdnHost, StringComparison.Ordinal) && string.Equals(Scheme, uri.Scheme, StringComparison.Ordinal);
    }

    private sealed record Answer(Origin Origin, ConnectionInfo? Agreed);
}
#endif
