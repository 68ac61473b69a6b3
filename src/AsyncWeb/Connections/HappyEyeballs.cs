#if NET
using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Connections;

/// <summary>
/// Connects to the first of several addresses that answers, as RFC 8305 (Happy Eyeballs v2) says: the
/// addresses are interleaved by family, starting with the family of the first one (the system resolver
/// sorts them by RFC 6724, which puts IPv6 first where the machine has IPv6 connectivity; a pinned list
/// keeps its order); the next attempt starts <see cref="DefaultAttemptDelay"/> after the last one, or at
/// once when it fails; the first connection made wins and every other attempt is cancelled and its socket
/// closed. So a name whose IPv6 path is dead connects over IPv4 after the delay, not after the connect timeout.
/// </summary>
internal static class HappyEyeballs
{
    /// <summary>RFC 8305's recommended Connection Attempt Delay.</summary>
    public static readonly TimeSpan DefaultAttemptDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A connected socket (NoDelay) to one of <paramref name="addresses"/>. When every attempt fails, throws the
    /// most telling error: one where something answered (refused, reset) before one where no path led there
    /// (network unreachable, family not supported), the first to fail among equals; a cancelled
    /// <paramref name="cancellationToken"/> (the connect timeout) throws OperationCanceledException.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, TimeSpan attemptDelay, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (addresses.Count == 1)
        {
            return await AttemptAsync(addresses[0], port, cancellationToken).ConfigureAwait(false);
        }

        var ordered = Interleave(addresses);
        using var attempts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<Socket>>(ordered.Count);
        Exception? best = null;
        var next = 0;
        Task? delay = null;
        try
        {
            while (true)
            {
                if (next < ordered.Count && (delay is null || delay.IsCompleted))
                {
                    running.Add(AttemptAsync(ordered[next++], port, attempts.Token));
                    delay = next < ordered.Count ? Task.Delay(attemptDelay, attempts.Token) : null;
                }

                if (running.Count == 0)
                {
                    throw best!;
                }

                var done = delay is null ? await Task.WhenAny(running).ConfigureAwait(false) : await Task.WhenAny([.. running, delay]).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (done == delay)
                {
                    continue;
                }

                var attempt = (Task<Socket>)done;
                running.Remove(attempt);
                if (attempt.Status == TaskStatus.RanToCompletion)
                {
                    return attempt.Result;
                }

                var error = attempt.Exception?.GetBaseException();
                if (error is not null && (best is null || Rank(error) > Rank(best)))
                {
                    best = error;
                }

                delay = null; // a failure starts the next attempt at once
            }
        }
        finally
        {
            attempts.Cancel();
            foreach (var loser in running)
            {
                // An attempt that connects while being cancelled still hands back a socket: close it.
                _ = loser.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>The addresses in attempt order: families alternate, starting with the first address's; order within a family kept.</summary>
    public static List<IPAddress> Interleave(IReadOnlyList<IPAddress> addresses)
    {
        var first = addresses[0].AddressFamily;
        var preferred = new Queue<IPAddress>();
        var other = new Queue<IPAddress>();
        foreach (var address in addresses)
        {
            (address.AddressFamily == first ? preferred : other).Enqueue(address);
        }

        var ordered = new List<IPAddress>(addresses.Count);
        while (preferred.Count > 0 || other.Count > 0)
        {
            if (preferred.Count > 0)
            {
                ordered.Add(preferred.Dequeue());
            }

            if (other.Count > 0)
            {
                ordered.Add(other.Dequeue());
            }
        }

        return ordered;
    }

    private static async Task<Socket> AttemptAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>How much an error says about the server: an answer (refused, reset) over a path that led nowhere.</summary>
    private static int Rank(Exception error) => error is SocketException socket
        ? socket.SocketErrorCode switch
        {
            SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown
                or SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable or SocketError.ProtocolFamilyNotSupported => 0,
            SocketError.TimedOut => 1,
            _ => 2,
        }
        : 1;
}
#endif
