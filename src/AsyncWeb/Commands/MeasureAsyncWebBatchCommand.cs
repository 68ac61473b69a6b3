using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace AsyncWeb.Commands;

/// <summary>Summarises a batch's results: counts, failures by ErrorId, statuses, bytes, latency percentiles and rate.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "AsyncWebBatch")]
[OutputType(typeof(WebBatchSummary))]
public sealed class MeasureAsyncWebBatchCommand : PSCmdlet
{
    private readonly List<double> _latencies = new();
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
        _latencies.Sort();
        var wall = _first is null ? TimeSpan.Zero : _last!.Value - _first.Value;
        WriteObject(new WebBatchSummary
        {
            Count = _count,
            Succeeded = _succeeded,
            Failed = _count - _succeeded,
            Skipped = _skipped,
            FailuresByErrorId = new Dictionary<string, int>(_failures),
            StatusCodes = new Dictionary<int, int>(_statuses),
            Bytes = _bytes,
            MinMs = _latencies.Count > 0 ? Math.Round(_latencies[0], 1) : 0,
            P50Ms = Percentile(0.50),
            P90Ms = Percentile(0.90),
            P99Ms = Percentile(0.99),
            MaxMs = _latencies.Count > 0 ? Math.Round(_latencies[^1], 1) : 0,
            WallTime = wall,
            RequestsPerSecond = wall.TotalSeconds > 0 ? Math.Round(_latencies.Count / wall.TotalSeconds, 1) : 0,
        });
    }

    /// <summary>Nearest-rank percentile of the sorted latencies.</summary>
    private double Percentile(double p)
    {
        if (_latencies.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * _latencies.Count);
        return Math.Round(_latencies[Math.Clamp(rank, 1, _latencies.Count) - 1], 1);
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

    /// <summary>Statuses as "200×998 404×2".</summary>
    public string StatusHistogram => string.Join(" ", StatusCodes.Select(kv => $"{kv.Key}×{kv.Value}"));

    /// <summary>Failures as "HttpStatus×2 ConnectionRefused×1".</summary>
    public string FailureSummary => string.Join(" ", FailuresByErrorId.Select(kv => $"{kv.Key}×{kv.Value}"));
}
