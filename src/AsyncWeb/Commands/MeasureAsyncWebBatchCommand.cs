using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Engine;

namespace AsyncWeb.Commands;

/// <summary>Summarises a batch's results: counts, failures by ErrorId, statuses, bytes, latency percentiles and rate, and where the time went.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "AsyncWebBatch")]
[OutputType(typeof(WebBatchSummary))]
public sealed class MeasureAsyncWebBatchCommand : PSCmdlet
{
    private readonly SampleSet _latencies = new();
    private readonly TimingStatistics _timings = new();
    private readonly SortedDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, int> _statuses = new();
    private int _count;
    private int _succeeded;
    private int _skipped;
    private long _bytes;
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;

    /// <summary>Results of Invoke-AsyncWebBatch; ErrorRecords it wrote (2>&amp;1) count as the failures they carry.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public PSObject? InputObject { get; set; }

    /// <summary>A host is listed in SlowHosts when its 99th percentile time to first byte is above this many seconds. Default 1.</summary>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double SlowThresholdSec { get; set; } = 1;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var value = InputObject?.BaseObject;
        var result = value as WebBatchResult ?? (value as ErrorRecord)?.TargetObject as WebBatchResult;
        if (result is null)
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"Measure-AsyncWebBatch takes the results of Invoke-AsyncWebBatch (or its error records); got {(value is null ? "null" : value.GetType().FullName)}"),
                "NotAWebBatchResult", ErrorCategory.InvalidArgument, value));
            return;
        }

        _count++;
        if (result.Skipped)
        {
            _skipped++;
        }

        if (result.Error is null)
        {
            _succeeded++;
        }
        else
        {
            _failures.TryGetValue(result.Error.ErrorId, out var n);
            _failures[result.Error.ErrorId] = n + 1;
        }

        if (result.StatusCode > 0)
        {
            _statuses.TryGetValue(result.StatusCode, out var s);
            _statuses[result.StatusCode] = s + 1;
        }

        _bytes += result.ContentLength;
        _timings.Add(result);
        if (result.Attempts > 0)
        {
            _latencies.Add(result.Elapsed.TotalMilliseconds);
            var end = result.StartTime + result.Elapsed;
            _first = _first is null || result.StartTime < _first ? result.StartTime : _first;
            _last = _last is null || end > _last ? end : _last;
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var wall = _first is null ? TimeSpan.Zero : _last!.Value - _first.Value;
        var latency = _latencies.Summarize();
        var slowThresholdMs = SlowThresholdSec * 1000;
        WriteObject(new WebBatchSummary
        {
            Count = _count,
            Succeeded = _succeeded,
            Failed = _count - _succeeded,
            Skipped = _skipped,
            FailuresByErrorId = new Dictionary<string, int>(_failures),
            StatusCodes = new Dictionary<int, int>(_statuses),
            Bytes = _bytes,
            MinMs = latency.MinMs,
            P50Ms = latency.P50Ms,
            P90Ms = latency.P90Ms,
            P99Ms = latency.P99Ms,
            MaxMs = latency.MaxMs,
            WallTime = wall,
            RequestsPerSecond = wall.TotalSeconds > 0 ? Math.Round(_latencies.Count / wall.TotalSeconds, 1) : 0,

            // Where the time went.
            QueueWait = _timings.QueueWait,
            DnsLookup = _timings.DnsLookup,
            Connect = _timings.Connect,
            TlsHandshake = _timings.TlsHandshake,
            TimeToFirstByte = _timings.TimeToFirstByte,
            Transfer = _timings.Transfer,
            ConnectionsOpened = _timings.ConnectionsOpened,
            ConnectionsReused = _timings.ConnectionsReused,
            ConnectionReuseRatio = _timings.ConnectionReuseRatio,
            SlowThresholdMs = slowThresholdMs,
            SlowHosts = _timings.SlowHosts(slowThresholdMs),
        });
    }
}

/// <summary>What Measure-AsyncWebBatch reports about a batch.</summary>
public sealed class WebBatchSummary
{
    /// <summary>Results seen.</summary>
    public int Count { get; internal set; }
    /// <summary>Results without an error.</summary>
    public int Succeeded { get; internal set; }
    /// <summary>Results with an error.</summary>
    public int Failed { get; internal set; }
    /// <summary>Downloads skipped because the file existed.</summary>
    public int Skipped { get; internal set; }
    /// <summary>Failure counts by ErrorId.</summary>
    public IReadOnlyDictionary<string, int> FailuresByErrorId { get; internal set; } = new Dictionary<string, int>();
    /// <summary>Response counts by HTTP status.</summary>
    public IReadOnlyDictionary<int, int> StatusCodes { get; internal set; } = new Dictionary<int, int>();
    /// <summary>Body bytes received or written.</summary>
    public long Bytes { get; internal set; }
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
    /// <summary>From the first request's start to the last one's end.</summary>
    public TimeSpan WallTime { get; internal set; }
    /// <summary>Requests sent per second of wall time.</summary>
    public double RequestsPerSecond { get; internal set; }

    // Where the time went: percentiles of each phase (README, "Where the time went").

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

    /// <summary>Statuses as "200×998 404×2".</summary>
    public string StatusHistogram => string.Join(" ", StatusCodes.Select(kv => $"{kv.Key}×{kv.Value}"));

    /// <summary>Failures as "HttpStatus×2 ConnectionRefused×1".</summary>
    public string FailureSummary => string.Join(" ", FailuresByErrorId.Select(kv => $"{kv.Key}×{kv.Value}"));
}
