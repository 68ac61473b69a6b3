using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Sending;

/// <summary>
/// Wraps a request body so that its bytes are counted as they go out, in chunks of at most 256 KiB (a file's
/// chunk, written whole): for the batch's progress, and for the attempt's deadline, where every chunk sent
/// restarts the silence timer (a long upload is not server silence) and the end of the body starts the wait
/// for the answer afresh.
/// </summary>
internal sealed class MeteredContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly AttemptDeadline _deadline;
    private readonly TransferCounter _batchSent;

    public MeteredContent(HttpContent inner, AttemptDeadline deadline, TransferCounter batchSent)
    {
        _inner = inner;
        _deadline = deadline;
        _batchSent = batchSent;
        foreach (var header in inner.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeAsync(stream, context, CancellationToken.None);

#if NET
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        SerializeAsync(stream, context, cancellationToken);
#endif

    protected override bool TryComputeLength(out long length)
    {
        var known = _inner.Headers.ContentLength;
        length = known ?? 0;
        return known.HasValue;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task SerializeAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _deadline.BodyStarting();
        var metered = new MeteredStream(stream, this, cancellationToken);
#if NET
        await _inner.CopyToAsync(metered, context, cancellationToken).ConfigureAwait(false);
#else
        await _inner.CopyToAsync(metered, context).ConfigureAwait(false);
#endif
        _deadline.ConnectionReady(); // the whole body is sent: the wait for the headers starts now
    }

    private void Sent(int bytes)
    {
        _batchSent.Add(bytes);
        _deadline.BodySent(bytes);
    }

    /// <summary>The request stream, written in chunks of at most 256 KiB, each counted once the transport took it.</summary>
    private sealed class MeteredStream : Stream
    {
        // One send for each chunk a FileContent reads: slicing it into smaller writes only multiplied the sends
        // and the continuations per MiB. A larger buffer (a -Body held in memory) is still counted as it goes.
        private const int Chunk = 256 * 1024;
        private readonly Stream _target;
        private readonly MeteredContent _owner;
        private readonly CancellationToken _cancellationToken;

        public MeteredStream(Stream target, MeteredContent owner, CancellationToken cancellationToken)
        {
            _target = target;
            _owner = owner;
            _cancellationToken = cancellationToken;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            for (var at = 0; at < count; at += Chunk)
            {
                var n = Math.Min(Chunk, count - at);
                _target.Write(buffer, offset + at, n);
                _owner.Sent(n);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(new ReadOnlyMemory<byte>(buffer, offset, count), cancellationToken).AsTask();

#if NET
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
#else
        public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
#endif
        {
            // The copy passes the request's token; a copy that passes none still stops with the request.
            var token = cancellationToken.CanBeCanceled ? cancellationToken : _cancellationToken;
            for (var at = 0; at < buffer.Length; at += Chunk)
            {
                var slice = buffer.Slice(at, Math.Min(Chunk, buffer.Length - at));
                await _target.WriteAsync(slice, token).ConfigureAwait(false);
                _owner.Sent(slice.Length);
            }
        }

        public override void Flush() => _target.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _target.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
