#if NET
using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Timeouts;
using AsyncWeb.Timing;

namespace AsyncWeb.Connections;

/// <summary>
/// Opens connections to a Unix domain socket (-UnixSocket) instead of TCP, within ConnectTimeout; the
/// request's URI still gives the Host header and the per-host limits. A path with no socket behind it fails
/// as ConnectionRefused (ENOENT and ECONNREFUSED alike: nothing listens there), naming the path. A socket
/// whose backlog is full answers EAGAIN at once, where TCP would make the client wait: the connect is tried
/// again until ConnectTimeout, so a server that never accepts is a ConnectTimeout, as over TCP. The stream
/// is stamped for phase timings as a TCP one is: connect time from the first try, no DNS lookup.
/// </summary>
internal static class UnixSocketConnector
{
    private static readonly TimeSpan s_longestPause = TimeSpan.FromMilliseconds(100);

    public static async ValueTask<Stream> ConnectAsync(string path, HttpRequestMessage initialRequest, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var endPoint = new UnixDomainSocketEndPoint(path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (connectTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(connectTimeout);
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            for (var pause = TimeSpan.FromMilliseconds(5); ; pause = pause + pause < s_longestPause ? pause + pause : s_longestPause)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
                    return ConnectionTimings.Connected(socket, started, started, initialRequest);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
                {
                    // The listener's backlog is full: wait for room, as a TCP connect would.
                    socket.Dispose();
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                await Task.Delay(pause, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectTimeoutException(path, connectTimeout);
        }
        catch (SocketException ex)
        {
            throw new UnixSocketException(path, ex.SocketErrorCode);
        }
    }
}

/// <summary>A failed connect to a Unix socket, with the path in its message; a missing socket reads as ConnectionRefused.</summary>
internal sealed class UnixSocketException : SocketException
{
    private readonly string _message;

    public UnixSocketException(string path, SocketError error)
        : base((int)(error == SocketError.AddressNotAvailable ? SocketError.ConnectionRefused : error))
    {
        _message = error == SocketError.AddressNotAvailable
            ? $"there is no socket at '{path}'"
            : $"{new SocketException((int)error).Message} ('{path}')";
    }

    public override string Message => _message;
}
#endif
