using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Connections;

namespace AsyncWeb.Bodies;

/// <summary>
/// A response body as it comes off the wire, before any decoding. Counts what arrives against the
/// declared Content-Length, so a body cut short by a clean close is an error on every path and on both
/// builds (.NET Framework may hand the short read over as a normal end). Cancellation disposes the
/// response, which ends a pending read also where the stream ignores the token (.NET Framework), and
/// surfaces as OperationCanceledException so the deadline that fired is reported.
/// </summary>
internal sealed class ResponseBodyStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly long? _declared;
    private readonly CancellationToken _token;
    private readonly CancellationTokenRegistration _abandon;

    private ResponseBodyStream(Stream inner, long? declared, CancellationToken token, CancellationTokenRegistration abandon)
    {
        _inner = inner;
        _declared = declared;
        _token = token;
        _abandon = abandon;
    }

    /// <summary>Bytes received so far, as sent (before decoding).</summary>
    public long Received { get; private set; }

    /// <summary>
    /// What cancellation does to the response: dispose it. On .NET Framework disposing drains the rest of a plain-http
    /// body synchronously (to reuse the connection), so on a batch's cancel (Ctrl+C) N stalled bodies would be drained
    /// one after another on the cancelling thread: there each disposal goes to the thread pool and they overlap.
    /// </summary>
    internal static Action<object?> Abandoner(bool isNetFramework) => isNetFramework ? s_abandonOnPool : s_abandon;

    private static readonly Action<object?> s_abandon = static r => ((HttpResponseMessage)r!).Dispose();

    private static readonly Action<object?> s_abandonOnPool = static r => ThreadPool.UnsafeQueueUserWorkItem(static d => ((HttpResponseMessage)d!).Dispose(), r);

#if NET
#pragma warning disable CS1998 // awaits nothing on .NET: see below
#endif
    public static async ValueTask<ResponseBodyStream> OpenAsync(HttpResponseMessage response, CancellationToken token)
#if NET
#pragma warning restore CS1998
#endif
    {
        var abandon = token.Register(Abandoner(FrameworkFacts.Current.IsNetFramework), response);
        try
        {
#if NET
            // The runtime's response content hands its stream over at once (ReadAsStreamAsync only wraps it in a task per response).
            var inner = response.Content.ReadAsStream(token);
#else
            var inner = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
#endif
            return new ResponseBodyStream(inner, response.Content.Headers.ContentLength, token, abandon);
        }
        catch (Exception ex) when (Translate(ex, token, null) is { } translated)
        {
            abandon.Dispose();
            throw translated;
        }
        catch
        {
            abandon.Dispose();
            throw;
        }
    }

#if NET
    // Pooled: a long-lived body (a stream's) reads once per event, and each pending read would otherwise allocate its state machine.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, _token, this) is { } translated)
        {
            throw translated;
        }

        return Counted(n, buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
#else
    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, _token, this) is { } translated)
        {
            throw translated;
        }

        return Counted(n, count);
    }
#endif

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _abandon.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// What a read failure means: cancellation (also the disposal it caused) is reported as such; a clean
    /// close before Content-Length (an I/O error with no socket error inside: not a reset) is ResponseTruncated.
    /// </summary>
    private static Exception? Translate(Exception ex, CancellationToken token, ResponseBodyStream? body)
    {
        if (token.IsCancellationRequested)
        {
            return ex is OperationCanceledException ? null : new OperationCanceledException("the read was abandoned", ex, token);
        }

        if (body is { _declared: { } declared } && body.Received < declared && ex is IOException && !HasSocketError(ex))
        {
            return new ResponseTruncatedException(body.Received, declared, ex);
        }

        return null;
    }

    private static bool HasSocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException)
            {
                return true;
            }
        }

        return false;
    }

    private int Counted(int n, int requested)
    {
        Received += n;
        if (n == 0 && requested > 0 && _declared is { } declared && Received < declared)
        {
            throw new ResponseTruncatedException(Received, declared);
        }

        return n;
    }
}
