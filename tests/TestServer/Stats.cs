using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace AsyncWeb.TestServer;

/// <summary>
/// Server-side counts the tests assert on (/stats): requests, in-flight and peak concurrency overall and
/// per Host header, accepted connections, and response body bytes sent, overall and per path. Lock-free:
/// Interlocked only on the hot path.
/// </summary>
internal sealed class Stats
{
    private const int MaxKeys = 1000;   // distinct paths or hosts tracked; the rest share one "(other)" entry
    private const string Other = "(other)";

    private long _requests;
    private long _inFlight;
    private long _peakInFlight;
    private long _connections;
    private long _rawConnections;
    private long _bytesSent;
    private int _hostKeys;
    private int _pathKeys;
    private readonly ConcurrentDictionary<string, Gauge> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, PathCounts> _paths = new(StringComparer.Ordinal);

    public void ConnectionAccepted() => Interlocked.Increment(ref _connections);

    public void RawConnectionAccepted() => Interlocked.Increment(ref _rawConnections);

    /// <summary>Middleware: counts every request except /stats itself; the finally block also counts down aborted ones.</summary>
    public async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        string path = context.Request.Path.Value ?? "/";
        if (path.Equals("/stats", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/stats/", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _requests);
        PathCounts counts = Lookup(_paths, ref _pathKeys, path);
        Interlocked.Increment(ref counts.Requests);
        Gauge host = Lookup(_hosts, ref _hostKeys, context.Request.Host.Value ?? "");
        RaisePeak(ref _peakInFlight, Interlocked.Increment(ref _inFlight));
        RaisePeak(ref host.Peak, Interlocked.Increment(ref host.InFlight));

        // Body bytes as the endpoints write them (before any transfer coding): a 304 or a HEAD counts 0.
        var body = new CountingStream(context.Response.Body, n =>
        {
            Interlocked.Add(ref _bytesSent, n);
            Interlocked.Add(ref counts.Bytes, n);
        });
        context.Response.Body = body;
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Decrement(ref host.InFlight);
        }
    }

    public Dictionary<string, object> Snapshot()
    {
        var byHost = new Dictionary<string, long>();
        foreach (var (host, gauge) in _hosts)
        {
            long peak = Volatile.Read(ref gauge.Peak);
            if (peak > 0)
            {
                byHost[host] = peak;
            }
        }

        var byPath = new Dictionary<string, long>();
        var bytesByPath = new Dictionary<string, long>();
        foreach (var (path, counts) in _paths)
        {
            byPath[path] = Volatile.Read(ref counts.Requests);
            bytesByPath[path] = Volatile.Read(ref counts.Bytes);
        }

        return new Dictionary<string, object>
        {
            ["requests"] = Volatile.Read(ref _requests),
            ["inFlight"] = Volatile.Read(ref _inFlight),
            ["peakInFlight"] = Volatile.Read(ref _peakInFlight),
            ["connections"] = Volatile.Read(ref _connections),
            ["rawConnections"] = Volatile.Read(ref _rawConnections),
            ["peakInFlightByHost"] = byHost,
            ["requestsByPath"] = byPath,
            ["bytesSent"] = Volatile.Read(ref _bytesSent),
            ["bytesSentByPath"] = bytesByPath,
        };
    }

    /// <summary>
    /// Zeroes the counters. In-flight is a live gauge, not a counter: it keeps counting the requests still
    /// running (so it returns to zero as they end) and the peaks restart from it.
    /// </summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _connections, 0);
        Interlocked.Exchange(ref _rawConnections, 0);
        Interlocked.Exchange(ref _bytesSent, 0);
        Interlocked.Exchange(ref _peakInFlight, Volatile.Read(ref _inFlight));
        foreach (var gauge in _hosts.Values)
        {
            Interlocked.Exchange(ref gauge.Peak, Volatile.Read(ref gauge.InFlight));
        }

        _paths.Clear();
        Interlocked.Exchange(ref _pathKeys, 0);
    }

    /// <summary>Raises <paramref name="peak"/> to <paramref name="value"/> if it is higher, without a lock.</summary>
    internal static void RaisePeak(ref long peak, long value)
    {
        long current = Volatile.Read(ref peak);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref peak, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    // ConcurrentDictionary.Count takes every lock, so the number of keys is tracked separately.
    private static T Lookup<T>(ConcurrentDictionary<string, T> map, ref int keys, string key) where T : class, new()
    {
        if (map.TryGetValue(key, out T? existing))
        {
            return existing;
        }

        if (Volatile.Read(ref keys) >= MaxKeys)
        {
            key = Other;
        }
        else
        {
            Interlocked.Increment(ref keys);
        }

        return map.GetOrAdd(key, static _ => new T());
    }

    private sealed class Gauge
    {
        public long InFlight;
        public long Peak;
    }

    private sealed class PathCounts
    {
        public long Requests;
        public long Bytes;
    }
}

/// <summary>A response body stream that reports each write's length: what /stats counts as bytes sent.</summary>
internal sealed class CountingStream : System.IO.Stream
{
    private readonly System.IO.Stream _inner;
    private readonly Action<long> _wrote;

    public CountingStream(System.IO.Stream inner, Action<long> wrote)
    {
        _inner = inner;
        _wrote = wrote;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, System.IO.SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _wrote(count);
        _inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _wrote(buffer.Length);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _wrote(count);
        return _inner.WriteAsync(buffer, offset, count, cancellationToken);
    }
}

/// <summary>A long that callers update with Interlocked.</summary>
internal sealed class Counter
{
    public long Value;
}
