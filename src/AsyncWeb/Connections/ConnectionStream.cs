#if NET
using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Timing;

namespace AsyncWeb.Connections;

/// <summary>
/// The plaintext stream of one connection (above TLS), passed through unchanged. On an HTTP/1.x
/// connection every write comes from the flow of the request being sent, so the request's
/// <see cref="RequestProbe"/> learns which connection it used, whether it was the connection's first
/// request, and when its last byte was written. Reads are not touched. HTTP/2 frames are written by a
/// loop per connection, so there writes tell nothing; the stream only ends its registration.
/// </summary>
internal sealed class ConnectionStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _multiplexed;

    public ConnectionStream(Stream inner, ConnectionInfo info, bool multiplexed)
    {
        _inner = inner;
        Info = info;
        _multiplexed = multiplexed;
    }

    public ConnectionInfo Info { get; }

    public override bool CanRead => _inner.CanRead;
    public override bool CanWrite => _inner.CanWrite;
    public override bool CanSeek => false;
    public override bool CanTimeout => _inner.CanTimeout;

    public override int ReadTimeout
    {
        get => _inner.ReadTimeout;
        set => _inner.ReadTimeout = value;
    }

    public override int WriteTimeout
    {
        get => _inner.WriteTimeout;
        set => _inner.WriteTimeout = value;
    }

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => _inner.Read(buffer);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) => _inner.CopyToAsync(destination, bufferSize, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var probe = Writer();
        _inner.Write(buffer);
        probe?.Written();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var probe = Writer();
        var pending = _inner.WriteAsync(buffer, cancellationToken);
        if (probe is null)
        {
            return pending;
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return WrittenAsync(pending, probe);
        }

        // Handed back to the caller, who awaits it (and so releases a pooled source).
        probe.Written();
        return pending;
    }

    public override void Flush() => _inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            if (_multiplexed)
            {
                Http2Connections.Closed(Info);
            }
        }

        base.Dispose(disposing);
    }

    private static async ValueTask WrittenAsync(ValueTask pending, RequestProbe probe)
    {
        await pending.ConfigureAwait(false);
        probe.Written();
    }

    /// <summary>The probe of the request writing now (HTTP/1.x only), told which connection it writes on.</summary>
    private RequestProbe? Writer()
    {
        if (_multiplexed || RequestProbe.Current is not { } probe)
        {
            return null;
        }

        probe.Writing(Info);
        return probe;
    }
}
#endif
