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

    /// <summary>The samples, ascending.</summary>
    public IReadOnlyList<double> Sorted
    {
        get
        {
            if (!_sorted)
            {
                _samples.Sort();
                _sorted = true;
            }

            return _samples;
        }
    }

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
        var sorted = Sorted;
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return Math.Round(sorted[Math.Min(Math.Max(rank, 1), sorted.Count) - 1], 1);
    }

    public WebBatchPercentiles Summarize() => new()
    {
        Count = Count,
        MinMs = Percentile(0),
        P50Ms = Percentile(0.50),
        P90Ms = Percentile(0.90),
        P99Ms = Percentile(0.99),
        MaxMs = Percentile(1),
    };
}

/// <summary>The phases of one result, whatever shape it arrived in (null: not seen), and its host (host:port).</summary>
internal readonly struct PhaseFacts
{
    public double? QueueWaitMs { get; init; }
    public double? DnsLookupMs { get; init; }
    public double? ConnectMs { get; init; }
    public double? TlsHandshakeMs { get; init; }
    public double? TimeToFirstByteMs { get; init; }
    public double? TransferMs { get; init; }
    public bool? ConnectionReused { get; init; }
    public string? Host { get; init; }

    public static PhaseFacts Of(WebBatchResult result) => new()
    {
        QueueWaitMs = result.QueueWaitMs,
        DnsLookupMs = result.DnsLookupMs,
        ConnectMs = result.ConnectMs,
        TlsHandshakeMs = result.TlsHandshakeMs,
        TimeToFirstByteMs = result.TimeToFirstByteMs,
        TransferMs = result.TransferMs,
        ConnectionReused = result.ConnectionReused,
        Host = HostOf(result.FinalUri ?? result.Uri),
    };

    /// <summary>host[:port] as the per-host limits key it; null without a URI.</summary>
    public static string? HostOf(Uri? uri)
    {
        if (uri is not { IsAbsoluteUri: true })
        {
            return null;
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

/// <summary>What a summary carries of its phases so that summaries of parts merge exactly: every sample, ascending, and the counts.</summary>
internal sealed class TimingSamples
{
    public IReadOnlyList<double> QueueWait { get; init; } = Array.Empty<double>();
    public IReadOnlyList<double> DnsLookup { get; init; } = Array.Empty<double>();
    public IReadOnlyList<double> Connect { get; init; } = Array.Empty<double>();
    public IReadOnlyList<double> TlsHandshake { get; init; } = Array.Empty<double>();

    /// <summary>Time to first byte of every response, ascending, with the host of each at the same position.</summary>
    public IReadOnlyList<double> TimeToFirstByte { get; init; } = Array.Empty<double>();
    public IReadOnlyList<string> TimeToFirstByteHosts { get; init; } = Array.Empty<string>();

    public IReadOnlyList<double> Transfer { get; init; } = Array.Empty<double>();
    public int ConnectionsOpened { get; init; }
    public int ConnectionsReused { get; init; }
}

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
