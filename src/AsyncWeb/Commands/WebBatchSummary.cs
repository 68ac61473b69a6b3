using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Summary;
using AsyncWeb.Timing;

namespace AsyncWeb.Commands;

/// <summary>
/// What Measure-AsyncWebBatch reports about a batch. It carries its latency samples and time span, so
/// summaries of parts of a batch (shards on other hosts, jobs) merge into exactly the summary of the whole.
/// </summary>
public sealed class WebBatchSummary
{
    /// <summary>Results seen.</summary>
    public int Count { get; internal set; }
    /// <summary>Results without an error.</summary>
    public int Succeeded { get; internal set; }
    /// <summary>Results with an error.</summary>
    public int Failed { get; internal set; }
    /// <summary>Items not requested or not written: the file existed (-SkipExisting), had not changed (-IfChanged), or the item succeeded in an earlier run of the journal.</summary>
    public int Skipped { get; internal set; }
    /// <summary>Failure counts by ErrorId.</summary>
    public IReadOnlyDictionary<string, int> FailuresByErrorId { get; internal set; } = new Dictionary<string, int>();
    /// <summary>Response counts by HTTP status.</summary>
    public IReadOnlyDictionary<int, int> StatusCodes { get; internal set; } = new Dictionary<int, int>();
    /// <summary>Body bytes received or written.</summary>
    public long Bytes { get; internal set; }
    /// <summary>Request body bytes sent (uploads: -Body, -InFile, -Form), the sum of the results' BytesSent.</summary>
    public long BytesSent { get; internal set; }
    /// <summary>Fastest request, ms.</summary>
    public double MinMs { get; internal set; }
    /// <summary>Median latency, ms.</summary>
    public double P50Ms { get; internal set; }
    /// <summary>90th percentile latency, ms.</summary>
    public double P90Ms { get; internal set; }
    /// <summary>99th percentile latency, ms.</summary>
    public double P99Ms { get; internal set; }
    /// <summary>Slowest request, ms.</summary>
    public double MaxMs { get; internal set; }
    /// <summary>MinMs to MaxMs as one value, as each phase is (QueueWait, Connect ...): the view's Latency row.</summary>
    public WebBatchPercentiles Latency => new()
    {
        Count = LatencySamplesMs.Length,
        MinMs = MinMs,
        P50Ms = P50Ms,
        P90Ms = P90Ms,
        P99Ms = P99Ms,
        MaxMs = MaxMs,
    };
    /// <summary>From the first request's start to the last one's end.</summary>
    public TimeSpan WallTime { get; internal set; }
    /// <summary>Requests sent per second of wall time.</summary>
    public double RequestsPerSecond { get; internal set; }
    /// <summary>When the first request started (UTC); null when none was sent.</summary>
    public DateTime? StartTimeUtc { get; internal set; }
    /// <summary>When the last request ended (UTC); null when none was sent.</summary>
    public DateTime? EndTimeUtc { get; internal set; }
    /// <summary>The ElapsedMs of every request sent, ascending: what lets summaries merge with exact percentiles (8 bytes a request).</summary>
    public double[] LatencySamplesMs { get; internal set; } = Array.Empty<double>();

    // Where the time went (README, "Where the time went"): percentiles of each phase, and the samples they come from.

    /// <summary>Waiting before the first attempt (throttle, per-host limit, rate limit), over the items sent.</summary>
    public WebBatchPercentiles QueueWait { get; internal set; } = new();
    /// <summary>DNS lookup, over the requests that opened a connection.</summary>
    public WebBatchPercentiles DnsLookup { get; internal set; } = new();
    /// <summary>TCP connect, over the requests that opened a connection.</summary>
    public WebBatchPercentiles Connect { get; internal set; } = new();
    /// <summary>TLS handshake, over the requests that opened a TLS connection.</summary>
    public WebBatchPercentiles TlsHandshake { get; internal set; } = new();
    /// <summary>Time to first byte (request sent to response headers), over the responses.</summary>
    public WebBatchPercentiles TimeToFirstByte { get; internal set; } = new();
    /// <summary>Body transfer, over the responses.</summary>
    public WebBatchPercentiles Transfer { get; internal set; } = new();
    /// <summary>Requests that opened a new connection.</summary>
    public int ConnectionsOpened { get; internal set; }
    /// <summary>Requests that went over a connection opened earlier.</summary>
    public int ConnectionsReused { get; internal set; }
    /// <summary>ConnectionsReused over all requests whose connection is known, 0 to 1.</summary>
    public double ConnectionReuseRatio { get; internal set; }
    /// <summary>-SlowThresholdSec in milliseconds.</summary>
    public double SlowThresholdMs { get; internal set; }
    /// <summary>Hosts whose 99th percentile time to first byte is above SlowThresholdMs, slowest first.</summary>
    public IReadOnlyList<WebBatchSlowHost> SlowHosts { get; internal set; } = Array.Empty<WebBatchSlowHost>();
    /// <summary>QueueWaitMs of every item sent, ascending (with the other phase samples: what lets summaries merge exactly).</summary>
    public double[] QueueWaitSamplesMs { get; internal set; } = Array.Empty<double>();
    /// <summary>DnsLookupMs of every request that opened a connection, ascending.</summary>
    public double[] DnsLookupSamplesMs { get; internal set; } = Array.Empty<double>();
    /// <summary>ConnectMs of every request that opened a connection, ascending.</summary>
    public double[] ConnectSamplesMs { get; internal set; } = Array.Empty<double>();
    /// <summary>TlsHandshakeMs of every request that opened a TLS connection, ascending.</summary>
    public double[] TlsHandshakeSamplesMs { get; internal set; } = Array.Empty<double>();
    /// <summary>TimeToFirstByteMs of every response, ascending.</summary>
    public double[] TimeToFirstByteSamplesMs { get; internal set; } = Array.Empty<double>();
    /// <summary>The host (host:port) of each TimeToFirstByteSamplesMs entry, at the same position.</summary>
    public string[] TimeToFirstByteSampleHosts { get; internal set; } = Array.Empty<string>();
    /// <summary>TransferMs of every response, ascending.</summary>
    public double[] TransferSamplesMs { get; internal set; } = Array.Empty<double>();

    /// <summary>Each host's per-host limit when its last item finished (-AdaptiveThrottle's final limits), by host; empty without per-host limits.</summary>
    public WebBatchHostLimit[] HostLimits { get; internal set; } = Array.Empty<WebBatchHostLimit>();

    /// <summary>Measure-AsyncWebBatch's -Threshold expressions, judged in the order given; empty without -Threshold.</summary>
    public WebBatchThreshold[] Thresholds { get; internal set; } = Array.Empty<WebBatchThreshold>();

    /// <summary>Statuses as "200×998 404×2".</summary>
    public string StatusHistogram => string.Join(" ", StatusCodes.Select(kv => $"{kv.Key}×{kv.Value}"));

    /// <summary>Failures as "HttpStatus×2 ConnectionRefused×1".</summary>
    public string FailureSummary => string.Join(" ", FailuresByErrorId.Select(kv => $"{kv.Key}×{kv.Value}"));

    /// <summary>Measure-AsyncWebBatch's default -SlowThresholdSec, also the threshold of -SummaryVariable's summary.</summary>
    internal const double DefaultSlowThresholdSec = 1;

    internal static WebBatchSummary From(BatchTally tally, TimingStatistics? timings = null, double slowThresholdMs = DefaultSlowThresholdSec * 1000)
    {
        timings ??= new TimingStatistics();
        var samples = tally.SamplesMs.ToArray();
        var wall = tally.WallTime;
        var phases = timings.ToSamples();
        return new WebBatchSummary
        {
            Count = tally.Count,
            Succeeded = tally.Succeeded,
            Failed = tally.Count - tally.Succeeded,
            Skipped = tally.Skipped,
            FailuresByErrorId = tally.Failures.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            StatusCodes = tally.Statuses.ToDictionary(kv => kv.Key, kv => kv.Value),
            Bytes = tally.Bytes,
            BytesSent = tally.BytesSent,
            MinMs = samples.Length > 0 ? samples[0] : 0,
            P50Ms = tally.Percentile(0.50),
            P90Ms = tally.Percentile(0.90),
            P99Ms = tally.Percentile(0.99),
            MaxMs = samples.Length > 0 ? samples[samples.Length - 1] : 0,
            WallTime = wall,
            RequestsPerSecond = wall.TotalSeconds > 0 ? Math.Round(samples.Length / wall.TotalSeconds, 1) : 0,
            StartTimeUtc = tally.StartUtc,
            EndTimeUtc = tally.EndUtc,
            LatencySamplesMs = samples,

            // Where the time went.
            QueueWait = timings.QueueWait,
            DnsLookup = timings.DnsLookup,
            Connect = timings.Connect,
            TlsHandshake = timings.TlsHandshake,
            TimeToFirstByte = timings.TimeToFirstByte,
            Transfer = timings.Transfer,
            ConnectionsOpened = timings.ConnectionsOpened,
            ConnectionsReused = timings.ConnectionsReused,
            ConnectionReuseRatio = timings.ConnectionReuseRatio,
            SlowThresholdMs = slowThresholdMs,
            SlowHosts = timings.SlowHosts(slowThresholdMs),
            QueueWaitSamplesMs = phases.QueueWait.ToArray(),
            DnsLookupSamplesMs = phases.DnsLookup.ToArray(),
            ConnectSamplesMs = phases.Connect.ToArray(),
            TlsHandshakeSamplesMs = phases.TlsHandshake.ToArray(),
            TimeToFirstByteSamplesMs = phases.TimeToFirstByte.ToArray(),
            TimeToFirstByteSampleHosts = phases.TimeToFirstByteHosts.ToArray(),
            TransferSamplesMs = phases.Transfer.ToArray(),
        };
    }

    /// <summary>The figures this summary carries, to merge it into another.</summary>
    internal SummaryFacts ToFacts() => new()
    {
        Count = Count,
        Succeeded = Succeeded,
        Skipped = Skipped,
        Bytes = Bytes,
        BytesSent = BytesSent,
        Failures = FailuresByErrorId,
        Statuses = StatusCodes,
        SamplesMs = LatencySamplesMs,
        StartUtc = StartTimeUtc,
        EndUtc = EndTimeUtc,
        Timings = new TimingSamples
        {
            QueueWait = QueueWaitSamplesMs,
            DnsLookup = DnsLookupSamplesMs,
            Connect = ConnectSamplesMs,
            TlsHandshake = TlsHandshakeSamplesMs,
            TimeToFirstByte = TimeToFirstByteSamplesMs,
            TimeToFirstByteHosts = TimeToFirstByteSampleHosts,
            Transfer = TransferSamplesMs,
            ConnectionsOpened = ConnectionsOpened,
            ConnectionsReused = ConnectionsReused,
        },
    };
}
