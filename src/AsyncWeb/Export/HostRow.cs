using System;
using AsyncWeb.Timing;

namespace AsyncWeb.Export;

/// <summary>One host's requests: latencies, time to first byte, failures and its last per-host limit.</summary>
internal sealed class HostRow
{
    private DateTime _limitAt = DateTime.MinValue;

    public HostRow(string host) => Host = host;

    public string Host { get; }
    public int Failed { get; private set; }
    public SampleSet Elapsed { get; } = new();
    public SampleSet TimeToFirstByte { get; } = new();
    public int? Limit { get; private set; }

    public void Add(ExportRecord record)
    {
        Elapsed.Add(record.ElapsedMs);
        TimeToFirstByte.Add(record.Phases.TimeToFirstByteMs);
        Failed += record.ErrorId is null ? 0 : 1;
        var end = (record.StartUtc ?? DateTime.MinValue).AddMilliseconds(record.ElapsedMs);
        if (record.HostLimit is { } limit && end >= _limitAt)
        {
            (Limit, _limitAt) = (limit, end);
        }
    }
}
