using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using System.Threading.Tasks;
using AsyncWeb.Connections;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Timing;

public class SampleSetTests
{
    [Fact]
    public void Percentiles_are_by_nearest_rank_whatever_the_order_of_arrival()
    {
        var samples = new SampleSet();
        foreach (var ms in Enumerable.Range(1, 100).Reverse())
        {
            samples.Add(ms);
        }

        var summary = samples.Summarize();
        Assert.Equal(100, summary.Count);
        Assert.Equal(1, summary.MinMs);
        Assert.Equal(50, summary.P50Ms);
        Assert.Equal(90, summary.P90Ms);
        Assert.Equal(99, summary.P99Ms);
        Assert.Equal(100, summary.MaxMs);
    }

    [Fact]
    public void A_few_samples_make_the_99th_percentile_the_slowest()
    {
        var samples = new SampleSet();
        samples.Add(300.04);
        samples.Add(1.26);
        samples.Add(null);
        Assert.Equal(2, samples.Count);
        Assert.Equal(300.0, samples.Percentile(0.99));
        Assert.Equal(1.3, samples.Percentile(0.5));
    }

    [Fact]
    public void No_samples_summarise_as_none()
    {
        var summary = new SampleSet().Summarize();
        Assert.Equal(0, summary.Count);
        Assert.Equal(0, summary.P99Ms);
        Assert.Equal("none", summary.ToString());
    }
}

public class PhaseTimingsTests
{
    private static readonly ConnectionInfo s_https = new(Ticks(2), Ticks(3), Ticks(40), 0, new IPEndPoint(IPAddress.Loopback, 443), SslProtocols.Tls13, "TLS_AES_256_GCM_SHA384");
    private static readonly ConnectionInfo s_http = new(Ticks(2), Ticks(3), PhaseTimings.NotSeen, 0, new IPEndPoint(IPAddress.Loopback, 80), null, null);

    [Fact]
    public void A_new_connection_reports_how_it_was_opened()
    {
        var timings = new PhaseTimings(Ticks(1), Ticks(300), Ticks(5), s_https, connectionReused: false);
        Assert.Equal(2, PhaseTimings.Milliseconds(timings.DnsLookup));
        Assert.Equal(3, PhaseTimings.Milliseconds(timings.Connect));
        Assert.Equal(40, PhaseTimings.Milliseconds(timings.TlsHandshake));
        Assert.Equal(300, PhaseTimings.Milliseconds(timings.TimeToFirstByte));
    }

    [Fact]
    public void A_reused_connection_took_the_request_no_connection_time()
    {
        var timings = new PhaseTimings(Ticks(1), Ticks(300), Ticks(5), s_https, connectionReused: true);
        Assert.Equal(0, timings.DnsLookup);
        Assert.Equal(0, timings.Connect);
        Assert.Equal(0, timings.TlsHandshake);
    }

    [Fact]
    public void Plain_http_has_no_TLS_phase_new_or_reused()
    {
        Assert.Null(PhaseTimings.Milliseconds(new PhaseTimings(0, 0, 0, s_http, connectionReused: false).TlsHandshake));
        Assert.Null(PhaseTimings.Milliseconds(new PhaseTimings(0, 0, 0, s_http, connectionReused: true).TlsHandshake));
    }

    [Fact]
    public void A_Unix_socket_connection_has_a_connect_phase_and_never_a_lookup()
    {
        var socket = new ConnectionInfo(PhaseTimings.NotSeen, Ticks(3), PhaseTimings.NotSeen, 0, null, null, null, unixSocket: true);
        var opened = new PhaseTimings(0, 0, 0, socket, connectionReused: false);
        var reused = new PhaseTimings(0, 0, 0, socket, connectionReused: true);
        Assert.Equal(3, PhaseTimings.Milliseconds(opened.Connect));
        Assert.Null(PhaseTimings.Milliseconds(opened.DnsLookup));
        Assert.Equal(0, reused.Connect);
        Assert.Null(PhaseTimings.Milliseconds(reused.DnsLookup));
    }

    [Fact]
    public void An_unseen_connection_has_unknown_phases_not_zero()
    {
        var timings = new PhaseTimings(Ticks(1), Ticks(300), Ticks(5), null, connectionReused: null);
        Assert.Null(PhaseTimings.Milliseconds(timings.DnsLookup));
        Assert.Null(PhaseTimings.Milliseconds(timings.Connect));
        Assert.Null(PhaseTimings.Milliseconds(timings.TlsHandshake));
    }

    [Fact]
    public void Milliseconds_are_rounded_to_the_microsecond() =>
        Assert.Equal(1.235, PhaseTimings.Milliseconds((long)(1.2346 * Stopwatch.Frequency / 1000)));

    internal static long Ticks(double ms) => (long)Math.Round(ms * Stopwatch.Frequency / 1000);
}

public class RequestProbeTests
{
    private static ConnectionInfo NewConnection() => new(0, 0, PhaseTimings.NotSeen, Stopwatch.GetTimestamp(), new IPEndPoint(IPAddress.Loopback, 8080), null, null);

    [Fact]
    public async Task The_first_request_on_a_connection_opened_it_and_the_next_reused_it()
    {
        var connection = NewConnection();
        var first = await Task.Run(() => SendOver(connection));
        var second = await Task.Run(() => SendOver(connection));
        Assert.False(first.ConnectionReused);
        Assert.True(second.ConnectionReused);
        Assert.Same(connection, second.Connection);
    }

    [Fact]
    public async Task Time_to_first_byte_runs_from_the_last_byte_written_to_the_headers()
    {
        var (timings, writeToHeaders) = await Task.Run(async () =>
        {
            var probe = RequestProbe.Start(Stopwatch.GetTimestamp());
            probe.AttemptStarting();
            probe.RequestStarting();
            await Task.Delay(50);            // waiting for a connection: not time to first byte
            var writing = Stopwatch.GetTimestamp();
            probe.Writing(NewConnection());
            probe.Written();
            probe.HeadersReceived(new HttpRequestMessage(), new HttpResponseMessage());
            var span = Stopwatch.GetElapsedTime(writing);
            return (probe.Snapshot(0, Stopwatch.GetTimestamp()), span);
        });

        // Bounded by what happened after the write, so the 50 ms before it are not in it.
        Assert.InRange(PhaseTimings.Milliseconds(timings.TimeToFirstByte)!.Value, 0, writeToHeaders.TotalMilliseconds);
        Assert.NotNull(PhaseTimings.Milliseconds(timings.Transfer));
    }

    [Fact]
    public async Task The_queue_wait_ends_when_the_first_attempt_starts_and_a_retry_starts_its_phases_afresh()
    {
        var received = Stopwatch.GetTimestamp();
        var (timings, untilAttempt) = await Task.Run(async () =>
        {
            var probe = RequestProbe.Start(received);
            await Task.Delay(50);
            probe.AttemptStarting();
            var waited = Stopwatch.GetElapsedTime(received);
            probe.RequestStarting();
            probe.Writing(NewConnection());
            probe.Written();
            await Task.Delay(50);            // the first attempt fails without headers; a retry begins
            probe.AttemptStarting();
            return (probe.Snapshot(Stopwatch.GetTimestamp(), Stopwatch.GetTimestamp()), waited);
        });

        // Timers may fire a little early; the upper bound is what the test itself saw before the first attempt.
        Assert.InRange(PhaseTimings.Milliseconds(timings.QueueWait)!.Value, 45, untilAttempt.TotalMilliseconds);
        Assert.Null(timings.ConnectionReused);
        Assert.Null(PhaseTimings.Milliseconds(timings.TimeToFirstByte));
        Assert.Null(PhaseTimings.Milliseconds(timings.Transfer));
    }

    [Fact]
    public async Task Writes_on_a_connection_stream_tell_the_writing_request_which_connection_it_used()
    {
        var info = NewConnection();
        using var stream = new ConnectionStream(new MemoryStream(), info, multiplexed: false);
        var first = await Task.Run(() => WriteThrough(stream));
        var second = await Task.Run(() => WriteThrough(stream));
        Assert.False(first.ConnectionReused);
        Assert.True(second.ConnectionReused);
        Assert.Equal(8080, second.Connection!.Remote!.Port);
    }

    [Fact]
    public async Task Writes_on_an_HTTP2_connection_are_not_attributed()
    {
        using var stream = new ConnectionStream(new MemoryStream(), NewConnection(), multiplexed: true);
        var timings = await Task.Run(() => WriteThrough(stream));
        Assert.Null(timings.ConnectionReused);
    }

    private static PhaseTimings SendOver(ConnectionInfo connection)
    {
        var probe = RequestProbe.Start(Stopwatch.GetTimestamp());
        probe.AttemptStarting();
        probe.RequestStarting();
        probe.Writing(connection);
        probe.Written();
        probe.HeadersReceived(new HttpRequestMessage(), new HttpResponseMessage());
        return probe.Snapshot(0, Stopwatch.GetTimestamp());
    }

    private static async Task<PhaseTimings> WriteThrough(Stream stream)
    {
        var probe = RequestProbe.Start(Stopwatch.GetTimestamp());
        probe.AttemptStarting();
        probe.RequestStarting();
        await stream.WriteAsync(new byte[] { 1, 2, 3 });
        probe.HeadersReceived(new HttpRequestMessage(), new HttpResponseMessage());
        return probe.Snapshot(0, Stopwatch.GetTimestamp());
    }
}

public class TimingStatisticsTests
{
    private static readonly ConnectionInfo s_tls = new(Ticks(1), Ticks(2), Ticks(30), 0, null, SslProtocols.Tls13, null);
    private static readonly ConnectionInfo s_plain = new(Ticks(1), Ticks(4), PhaseTimings.NotSeen, 0, null, null, null);

    [Fact]
    public void Connection_phases_count_only_the_requests_that_opened_a_connection()
    {
        var statistics = new TimingStatistics();
        statistics.Add(PhaseFacts.Of(Result("https://a.example/", 10, s_tls, reused: false)));
        statistics.Add(PhaseFacts.Of(Result("http://b.example/", 10, s_plain, reused: false)));
        statistics.Add(PhaseFacts.Of(Result("https://a.example/", 10, s_tls, reused: true)));
        statistics.Add(PhaseFacts.Of(Result("https://a.example/", 10, s_tls, reused: true)));
        statistics.Add(PhaseFacts.Of(Result("https://c.example/", 10, null, reused: null)));

        Assert.Equal(2, statistics.ConnectionsOpened);
        Assert.Equal(2, statistics.ConnectionsReused);
        Assert.Equal(0.5, statistics.ConnectionReuseRatio);
        Assert.Equal(2, statistics.Connect.Count);
        Assert.Equal(4, statistics.Connect.MaxMs);
        Assert.Equal(1, statistics.TlsHandshake.Count);
        Assert.Equal(30, statistics.TlsHandshake.P99Ms);
        Assert.Equal(5, statistics.TimeToFirstByte.Count);
    }

    [Fact]
    public void Slow_hosts_are_those_whose_99th_percentile_first_byte_is_above_the_threshold_slowest_first()
    {
        var statistics = new TimingStatistics();
        foreach (var ms in new[] { 100, 120, 2300 })
        {
            statistics.Add(PhaseFacts.Of(Result("https://api.example/x", ms, null, null)));
        }

        statistics.Add(PhaseFacts.Of(Result("https://slow.example:8443/", 1500, null, null)));
        statistics.Add(PhaseFacts.Of(Result("https://fast.example/", 20, null, null)));
        statistics.Add(PhaseFacts.Of(Result("https://edge.example/", 1000, null, null)));

        var slow = statistics.SlowHosts(1000);
        Assert.Equal(new[] { "api.example", "slow.example:8443" }, slow.Select(h => h.Host));
        Assert.Equal(3, slow[0].Count);
        Assert.Equal(120, slow[0].P50Ms);
        Assert.Equal(2300, slow[0].P99Ms);
        Assert.Equal("api.example (p99 2,300 ms, n=3)", slow[0].ToString());
    }

    [Fact]
    public void Summaries_of_parts_merge_into_exactly_the_phase_figures_of_the_whole()
    {
        var results = Enumerable.Range(0, 40).Select(i => new PhaseFacts
        {
            QueueWaitMs = i % 7,
            DnsLookupMs = i % 5 == 0 ? 0.5 + i : 0,
            ConnectMs = i % 5 == 0 ? 1.25 * i : 0,
            TlsHandshakeMs = i % 5 == 0 ? 30 + i : 0,
            TimeToFirstByteMs = 10.0 * (i % 11),
            TransferMs = i / 3.0,
            ConnectionReused = i % 5 != 0,
            Host = i % 3 == 0 ? "slow.example" : "fast.example:8443",
        }).ToList();
        var whole = new TimingStatistics();
        var first = new TimingStatistics();
        var second = new TimingStatistics();
        for (var i = 0; i < results.Count; i++)
        {
            whole.Add(results[i]);
            (i < 17 ? first : second).Add(results[i]);
        }

        var merged = new TimingStatistics();
        merged.Merge(first.ToSamples());
        merged.Merge(second.ToSamples());
        Assert.Equal(Figures(whole), Figures(merged));
        Assert.Equal(8, merged.ConnectionsOpened);
        Assert.Equal(32, merged.ConnectionsReused);
    }

    private static string Figures(TimingStatistics t) => string.Join(" | ",
        t.QueueWait, t.DnsLookup, t.Connect, t.TlsHandshake, t.TimeToFirstByte, t.Transfer, t.ConnectionReuseRatio,
        string.Join(", ", t.SlowHosts(50)), string.Join(",", t.ToSamples().TimeToFirstByteHosts));

    private static long Ticks(double ms) => PhaseTimingsTests.Ticks(ms);

    private static WebBatchResult Result(string uri, double firstByteMs, ConnectionInfo? connection, bool? reused) => new()
    {
        Uri = new Uri(uri),
        FinalUri = new Uri(uri),
        Attempts = 1,
        Timings = new PhaseTimings(0, Ticks(firstByteMs), Ticks(1), connection, reused),
    };
}
