using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Summary;

namespace AsyncWeb.Timing;

/// <summary>
/// Where a batch's time went, from its results or summaries of its parts: percentiles of each phase, how
/// many requests opened a connection and how many reused one, and the time to first byte per host.
/// Connection phases count only the requests that opened a connection (a reused one took none); TLS only
/// those over TLS. Like <see cref="BatchTally"/>, it keeps samples, not percentiles, so parts merge exactly.
/// </summary>
internal sealed class TimingStatistics
{
    private readonly SampleSet _queueWait = new();
    private readonly SampleSet _dnsLookup = new();
    private readonly SampleSet _connect = new();
    private readonly SampleSet _tlsHandshake = new();
    private readonly SampleSet _timeToFirstByte = new();
    private readonly SampleSet _transfer = new();
    private readonly Dictionary<string, SampleSet> _firstByteByHost = new(StringComparer.OrdinalIgnoreCase);

    public int ConnectionsOpened { get; private set; }
    public int ConnectionsReused { get; private set; }

    /// <summary>Reused over all requests whose connection is known (0 when none is).</summary>
    public double ConnectionReuseRatio =>
        ConnectionsOpened + ConnectionsReused == 0 ? 0 : Math.Round((double)ConnectionsReused / (ConnectionsOpened + ConnectionsReused), 4);

    public WebBatchPercentiles QueueWait => _queueWait.Summarize();
    public WebBatchPercentiles DnsLookup => _dnsLookup.Summarize();
    public WebBatchPercentiles Connect => _connect.Summarize();
    public WebBatchPercentiles TlsHandshake => _tlsHandshake.Summarize();
    public WebBatchPercentiles TimeToFirstByte => _timeToFirstByte.Summarize();
    public WebBatchPercentiles Transfer => _transfer.Summarize();

    // Each phase's samples, for thresholds that aggregate them their own way (avg, any percentile).
    public SampleSet QueueWaitSamples => _queueWait;
    public SampleSet DnsLookupSamples => _dnsLookup;
    public SampleSet ConnectSamples => _connect;
    public SampleSet TlsHandshakeSamples => _tlsHandshake;
    public SampleSet TimeToFirstByteSamples => _timeToFirstByte;
    public SampleSet TransferSamples => _transfer;

    public void Add(in PhaseFacts result)
    {
        _queueWait.Add(result.QueueWaitMs);
        if (result.ConnectionReused == true)
        {
            ConnectionsReused++;
        }
        else if (result.ConnectionReused == false)
        {
            ConnectionsOpened++;
            _dnsLookup.Add(result.DnsLookupMs);
            _connect.Add(result.ConnectMs);
            _tlsHandshake.Add(result.TlsHandshakeMs);
        }

        _transfer.Add(result.TransferMs);
        if (result.TimeToFirstByteMs is { } firstByte)
        {
            AddFirstByte(firstByte, result.Host ?? string.Empty);
        }
    }

    public void Merge(TimingSamples part)
    {
        ConnectionsOpened += part.ConnectionsOpened;
        ConnectionsReused += part.ConnectionsReused;
        AddAll(_queueWait, part.QueueWait);
        AddAll(_dnsLookup, part.DnsLookup);
        AddAll(_connect, part.Connect);
        AddAll(_tlsHandshake, part.TlsHandshake);
        AddAll(_transfer, part.Transfer);
        for (var i = 0; i < part.TimeToFirstByte.Count; i++)
        {
            AddFirstByte(part.TimeToFirstByte[i], i < part.TimeToFirstByteHosts.Count ? part.TimeToFirstByteHosts[i] : string.Empty);
        }
    }

    /// <summary>Every sample, for a summary that merges.</summary>
    public TimingSamples ToSamples()
    {
        var firstBytes = _firstByteByHost
            .SelectMany(h => h.Value.Sorted.Select(ms => (Ms: ms, Host: h.Key)))
            .OrderBy(s => s.Ms)
            .ThenBy(s => s.Host, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new TimingSamples
        {
            QueueWait = _queueWait.Sorted.ToArray(),
            DnsLookup = _dnsLookup.Sorted.ToArray(),
            Connect = _connect.Sorted.ToArray(),
            TlsHandshake = _tlsHandshake.Sorted.ToArray(),
            TimeToFirstByte = firstBytes.Select(s => s.Ms).ToArray(),
            TimeToFirstByteHosts = firstBytes.Select(s => s.Host).ToArray(),
            Transfer = _transfer.Sorted.ToArray(),
            ConnectionsOpened = ConnectionsOpened,
            ConnectionsReused = ConnectionsReused,
        };
    }

    /// <summary>The hosts whose 99th percentile time to first byte is above <paramref name="thresholdMs"/>, slowest first.</summary>
    public IReadOnlyList<WebBatchSlowHost> SlowHosts(double thresholdMs) => _firstByteByHost
        .Select(h => new WebBatchSlowHost { Host = h.Key, Count = h.Value.Count, P50Ms = h.Value.Percentile(0.50), P99Ms = h.Value.Percentile(0.99), MaxMs = h.Value.Percentile(1) })
        .Where(h => h.P99Ms > thresholdMs)
        .OrderByDescending(h => h.P99Ms)
        .ThenBy(h => h.Host, StringComparer.OrdinalIgnoreCase)
        .ToList();

    private void AddFirstByte(double ms, string host)
    {
        _timeToFirstByte.Add(ms);
        if (!_firstByteByHost.TryGetValue(host, out var samples))
        {
            _firstByteByHost[host] = samples = new SampleSet();
        }

        samples.Add(ms);
    }

    private static void AddAll(SampleSet set, IReadOnlyList<double> samples)
    {
        foreach (var sample in samples)
        {
            set.Add(sample);
        }
    }
}
