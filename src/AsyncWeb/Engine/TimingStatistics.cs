using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncWeb.Engine;

/// <summary>Samples in milliseconds, summarised by nearest-rank percentiles (exact: every sample is kept, 8 bytes each).</summary>
internal sealed class SampleSet
{
    private readonly List<double> _samples = new();
    private bool _sorted = true;

    public int Count => _samples.Count;

    public void Add(double? milliseconds)
    {
        if (milliseconds is { } value)
        {
            _sorted = _samples.Count == 0 || (_sorted && value >= _samples[_samples.Count - 1]);
            _samples.Add(value);
        }
    }

    /// <summary>The nearest-rank percentile (p in 0..1) of the samples, rounded to 0.1 ms; 0 when there are none.</summary>
    public double Percentile(double p)
    {
        if (_samples.Count == 0)
        {
            return 0;
        }

        Sort();
        var rank = (int)Math.Ceiling(p * _samples.Count);
        return Math.Round(_samples[Math.Min(Math.Max(rank, 1), _samples.Count) - 1], 1);
    }

    public WebBatchPercentiles Summarize() => new()
    {
        Count = Count,
        MinMs = Count == 0 ? 0 : Percentile(0),
        P50Ms = Percentile(0.50),
        P90Ms = Percentile(0.90),
        P99Ms = Percentile(0.99),
        MaxMs = Percentile(1),
    };

    private void Sort()
    {
        if (!_sorted)
        {
            _samples.Sort();
            _sorted = true;
        }
    }
}

/// <summary>
/// Where a batch's time went, from its results: percentiles of each phase, how many requests opened a
/// connection and how many reused one, and the time to first byte per host. Connection phases count
/// only the requests that opened a connection (a reused one took none); TLS only those over TLS.
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

    public void Add(WebBatchResult result)
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
            _timeToFirstByte.Add(firstByte);
            var host = HostOf(result.FinalUri ?? result.Uri);
            if (!_firstByteByHost.TryGetValue(host, out var samples))
            {
                _firstByteByHost[host] = samples = new SampleSet();
            }

            samples.Add(firstByte);
        }
    }

    /// <summary>The hosts whose 99th percentile time to first byte is above <paramref name="thresholdMs"/>, slowest first.</summary>
    public IReadOnlyList<WebBatchSlowHost> SlowHosts(double thresholdMs) => _firstByteByHost
        .Select(h => new WebBatchSlowHost { Host = h.Key, Count = h.Value.Count, P50Ms = h.Value.Percentile(0.50), P99Ms = h.Value.Percentile(0.99), MaxMs = h.Value.Percentile(1) })
        .Where(h => h.P99Ms > thresholdMs)
        .OrderByDescending(h => h.P99Ms)
        .ThenBy(h => h.Host, StringComparer.OrdinalIgnoreCase)
        .ToList();

    /// <summary>host[:port] as the per-host limits key it.</summary>
    private static string HostOf(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        try
        {
            return RequestSpec.KeyOf(uri);
        }
        catch (UriFormatException)
        {
            return uri.Authority;
        }
    }
}
