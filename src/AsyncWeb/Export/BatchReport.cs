using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Security;
using AsyncWeb.Timing;

namespace AsyncWeb.Export;

/// <summary>
/// What the HTML report shows beyond the batch's summary, gathered one result at a time in bounded memory: per-host
/// latencies, failures by ErrorId with an example each, and the slowest requests for the waterfall (at most
/// <see cref="WaterfallLimit"/> kept, so a batch of any size is sampled to its slowest).
/// </summary>
internal sealed class BatchReport
{
    private readonly UriRedactor _redactor;
    private readonly Dictionary<string, HostRow> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<string, FailureRow> _failures = new(StringComparer.Ordinal);
    private readonly SortedSet<WaterfallRow> _slowest = new(Comparer<WaterfallRow>.Create(
        (a, b) => a.ElapsedMs != b.ElapsedMs ? a.ElapsedMs.CompareTo(b.ElapsedMs) : a.Sequence.CompareTo(b.Sequence)));

    public BatchReport(UriRedactor redactor, int waterfallLimit)
    {
        _redactor = redactor;
        WaterfallLimit = Math.Max(0, waterfallLimit);
    }

    public int WaterfallLimit { get; }

    /// <summary>Requests sent (the waterfall's M in "N of M shown").</summary>
    public long Sent { get; private set; }

    public DateTime? FirstStartUtc { get; private set; }

    public IReadOnlyCollection<HostRow> Hosts => _hosts.Values;

    public IReadOnlyCollection<FailureRow> Failures => _failures.Values;

    /// <summary>The slowest requests, slowest first.</summary>
    public IReadOnlyList<WaterfallRow> Slowest => _slowest.Reverse().ToList();

    public void Add(ExportRecord record)
    {
        if (record.ErrorId is { } errorId)
        {
            if (!_failures.TryGetValue(errorId, out var failure))
            {
                var redaction = new ExportRedaction(_redactor, record);
                _failures[errorId] = failure = new FailureRow(errorId, redaction.Url(record), redaction.Text(record.ErrorMessage));
            }

            failure.Count++;
        }

        if (!record.Sent)
        {
            return;
        }

        Sent++;
        if (record.StartUtc is { } start && (FirstStartUtc is null || start < FirstStartUtc))
        {
            FirstStartUtc = start;
        }

        var host = record.Phases.Host ?? "(no host)";
        if (!_hosts.TryGetValue(host, out var row))
        {
            _hosts[host] = row = new HostRow(host);
        }

        row.Add(record);
        if (WaterfallLimit > 0 && (_slowest.Count < WaterfallLimit || record.ElapsedMs > _slowest.Min!.ElapsedMs))
        {
            _slowest.Add(new WaterfallRow
            {
                Sequence = Sent,
                Url = new ExportRedaction(_redactor, record).Url(record),
                Method = record.Method,
                StatusCode = record.StatusCode,
                ErrorId = record.ErrorId,
                ElapsedMs = record.ElapsedMs,
                Attempts = record.Attempts,
                Timings = HarTimings.Of(record),
                StartUtc = record.StartUtc,
            });
            if (_slowest.Count > WaterfallLimit)
            {
                _slowest.Remove(_slowest.Min!);
            }
        }
    }
}
