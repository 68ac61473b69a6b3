using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace AsyncWeb.TestServer;

/// <summary>
/// A plain TCP listener that speaks just enough HTTP/1.1 to misbehave in ways Kestrel never would:
/// /partial-headers, /never, /garbage, /reset-body, /short-body, /short-text, /switching-protocols. Any other path gets a tiny valid 200.
/// </summary>
internal sealed class RawServer
{
    private const int MaxRequestHead = 16 * 1024;
    private readonly TcpListener _listener;
    private readonly Stats _stats;

    private RawServer(TcpListener listener, Stats stats)
    {
        _listener = listener;
        _stats = stats;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static RawServer Start(Stats stats)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 1024);
        var server = new RawServer(listener, stats);
        _ = server.AcceptLoopAsync();
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _stats.RawConnectionAccepted();
            _ = HandleAsync(socket);
        }
    }

    private static async Task HandleAsync(Socket socket)
    {
        try
        {
            switch (await ReadPathAsync(socket))
            {
                case "/partial-headers":
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Le");
                    Reset(socket);
                    break;
                case "/never":
                    // Read (and discard) until the client gives up; never answer.
                    var sink = new byte[4096];
                    while (await socket.ReceiveAsync(sink, SocketFlags.None) > 0)
                    {
                    }

                    break;
                case "/garbage":
                    await SendAsync(socket, "NOT HTTP AT ALL\r\n\r\n");
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                case "/reset-body":
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n");
                    await socket.SendAsync(Pattern.Slice(0, 1000), SocketFlags.None);
                    Reset(socket);
                    break;
                case "/short-body":
                    // A clean close (FIN, not a reset) before the body reaches its Content-Length.
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n");
                    await socket.SendAsync(Pattern.Slice(0, 1000), SocketFlags.None);
                    socket.Shutdown(SocketShutdown.Send);
                    await DrainAsync(socket);
                    break;
                case "/short-text":
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\nonly twenty bytes...");
                    socket.Shutdown(SocketShutdown.Send);
                    await DrainAsync(socket);
                    break;
                case "/switching-protocols":
                    // A 1xx final answer to a plain GET: what follows is no body, whatever it looks like.
                    await SendAsync(socket, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x-test\r\n\r\nbytes of another protocol");
                    socket.Shutdown(SocketShutdown.Send);
                    await DrainAsync(socket);
                    break;
                case null:
                    break;
                default:
                    await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
                    socket.Shutdown(SocketShutdown.Send);
                    break;
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>Reads (and discards) until the client closes, so closing here sends FIN, not RST.</summary>
    private static async Task DrainAsync(Socket socket)
    {
        var sink = new byte[4096];
        using var patience = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await socket.ReceiveAsync(sink, SocketFlags.None, patience.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads the request head (up to the blank line) and returns the path without query, or null.</summary>
    private static async Task<string?> ReadPathAsync(Socket socket)
    {
        var buffer = new byte[MaxRequestHead];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            if (read == 0)
            {
                break;
            }

            filled += read;
            if (buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        string head = Encoding.ASCII.GetString(buffer, 0, filled);
        int lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        string[] parts = (lineEnd >= 0 ? head[..lineEnd] : head).Split(' ');
        if (parts.Length < 2)
        {
            return null;
        }

        string target = parts[1];
        if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            target = absolute.AbsolutePath;
        }

        int query = target.IndexOf('?');
        return query >= 0 ? target[..query] : target;
    }

    private static async Task SendAsync(Socket socket, string text) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    // Linger on with a zero timeout makes Close send RST instead of FIN.
    private static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}
