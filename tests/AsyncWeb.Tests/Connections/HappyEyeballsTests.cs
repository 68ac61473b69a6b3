using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Connections;
using Xunit;

namespace AsyncWeb.Tests.Connections;

/// <summary>Real loopback sockets: a listener that accepts, a closed port (refused at once), and a listener whose full backlog drops SYNs (never answers).</summary>
public class HappyEyeballsTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    /// <summary>A fact that needs ::1 (skipped, with the reason, where IPv6 loopback is not available).</summary>
    private sealed class IPv6LoopbackFactAttribute : FactAttribute
    {
        public IPv6LoopbackFactAttribute()
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            }
            catch (SocketException e)
            {
                Skip = $"IPv6 loopback (::1) is not available here: {e.SocketErrorCode}";
            }
        }
    }

    private static Socket Listen(IPAddress address, int port = 0, int backlog = 64)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(backlog);
        return listener;
    }

    private static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    [Fact]
    public void Families_alternate_starting_with_the_first_address_family()
    {
        var addresses = new[] { "2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.2", "192.0.2.3" }.Select(IPAddress.Parse).ToArray();
        Assert.Equal(
            ["2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2", "192.0.2.3"],
            HappyEyeballs.Interleave(addresses).Select(a => a.ToString()));

        var v4First = new[] { "192.0.2.1", "192.0.2.2", "2001:db8::1" }.Select(IPAddress.Parse).ToArray();
        Assert.Equal(["192.0.2.1", "2001:db8::1", "192.0.2.2"], HappyEyeballs.Interleave(v4First).Select(a => a.ToString()));
    }

    [IPv6LoopbackFact]
    public async Task A_refused_first_address_moves_on_to_the_next_at_once_not_after_the_attempt_delay()
    {
        using var listener = Listen(IPAddress.Loopback);
        var port = PortOf(listener);
        using var deadline = new CancellationTokenSource(s_deadline);

        // ::1 on that port refuses; the 30 s attempt delay would outlast the deadline if a failure did not start the next attempt at once.
        using var socket = await HappyEyeballs.ConnectAsync([IPAddress.IPv6Loopback, IPAddress.Loopback], port, TimeSpan.FromSeconds(30), deadline.Token);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);
        Assert.True(socket.NoDelay);
    }

    [Fact]
    public Task A_first_address_that_never_answers_is_left_after_the_attempt_delay_not_the_connect_timeout() =>
        BesideASilentListenerAsync(async (silent, port) =>
        {
            using var deadline = new CancellationTokenSource(s_deadline);
            var attemptDelay = TimeSpan.FromMilliseconds(200);
            var clock = Stopwatch.StartNew();
            using var socket = await HappyEyeballs.ConnectAsync([silent, IPAddress.Loopback], port, attemptDelay, deadline.Token);

            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);

            // A lower bound only (timers may fire a little early): the second attempt waited for the delay, not for a failure.
            Assert.True(clock.Elapsed >= attemptDelay / 2, $"connected after {clock.Elapsed}, well before the attempt delay");
        });

    [Fact]
    public async Task The_first_address_that_answers_within_the_delay_is_the_only_one_tried()
    {
        using var first = Listen(IPAddress.Loopback);
        var port = PortOf(first);
        using var second = Listen(IPAddress.Parse("127.0.0.3"), port);
        using var deadline = new CancellationTokenSource(s_deadline);

        using var socket = await HappyEyeballs.ConnectAsync([IPAddress.Loopback, IPAddress.Parse("127.0.0.3")], port, TimeSpan.FromSeconds(30), deadline.Token);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);
        using var accepted = await first.AcceptAsync(deadline.Token);
        Assert.False(second.Poll(0, SelectMode.SelectRead), "the second address was connected to as well");
    }

    [Fact]
    public async Task When_every_address_refuses_the_refusal_is_thrown()
    {
        int port;
        using (var probe = Listen(IPAddress.Loopback))
        {
            port = PortOf(probe);
        }

        using var deadline = new CancellationTokenSource(s_deadline);
        var error = await Assert.ThrowsAsync<SocketException>(() =>
            HappyEyeballs.ConnectAsync([IPAddress.Loopback, IPAddress.Parse("127.0.0.4")], port, TimeSpan.FromSeconds(30), deadline.Token));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public Task The_callers_token_ends_every_attempt() =>
        BesideASilentListenerAsync(async (silent, port) =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                HappyEyeballs.ConnectAsync([silent, IPAddress.Loopback], port, TimeSpan.FromSeconds(30), timeout.Token));
        });

    /// <summary>Runs <paramref name="test"/> with 127.0.0.1 listening on a port and 127.0.0.2 on the same port never answering.</summary>
    private static async Task BesideASilentListenerAsync(Func<IPAddress, int, Task> test)
    {
        using var working = Listen(IPAddress.Loopback);
        var port = PortOf(working);
        var silent = IPAddress.Parse("127.0.0.2");
        using var blackhole = Listen(silent, port, backlog: 1);
        var fillers = await FillBacklogAsync(new IPEndPoint(silent, port));
        try
        {
            await test(silent, port);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    /// <summary>
    /// Connects to a listener with a small backlog, which nobody accepts, until a connect gets no answer: on Linux a
    /// full accept queue drops further SYNs, so the next connect to it waits in SYN retransmission.
    /// </summary>
    private static async Task<List<Socket>> FillBacklogAsync(IPEndPoint endPoint)
    {
        var fillers = new List<Socket>();
        for (var i = 0; i < 16; i++)
        {
            var filler = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await filler.ConnectAsync(endPoint, wait.Token);
                fillers.Add(filler);
            }
            catch (OperationCanceledException)
            {
                filler.Dispose();
                return fillers;
            }
        }

        fillers.ForEach(f => f.Dispose());
        throw new InvalidOperationException($"a listener with backlog 1 at {endPoint} took 16 connections: this system does not drop SYNs on a full backlog");
    }
}
