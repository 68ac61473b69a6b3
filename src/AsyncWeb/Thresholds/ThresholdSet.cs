using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Summary;
using AsyncWeb.Timing;

namespace AsyncWeb.Thresholds;

/// <summary>
/// The thresholds of one summary, and the per-host figures their {host=...} filters need: each host a threshold names
/// keeps its own tally of the results from that host. A merged summary carries no per-host figures, so it counts
/// towards thresholds of the whole batch only.
/// </summary>
internal sealed class ThresholdSet
{
    private readonly IReadOnlyList<ThresholdExpression> _thresholds;
    private readonly Dictionary<string, (BatchTally Tally, TimingStatistics Timings)> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public ThresholdSet(IEnumerable<ThresholdExpression> thresholds)
    {
        _thresholds = thresholds.ToArray();
        foreach (var host in _thresholds.Select(t => t.Host).OfType<string>())
        {
            _hosts[host] = (new BatchTally(), new TimingStatistics());
        }
    }

    /// <summary>Parses every expression; the first that does not parse throws <see cref="ThresholdSyntaxException"/>.</summary>
    public static ThresholdSet Parse(IEnumerable<string> expressions) => new(expressions.Select(ThresholdParser.Parse));

    /// <summary>Counts a result towards the hosts it belongs to.</summary>
    public void Add(in ResultFacts result)
    {
        if (_hosts.Count == 0 || result.Phases.Host is not { } resultHost)
        {
            return;
        }

        foreach (var host in _hosts)
        {
            if (Matches(host.Key, resultHost))
            {
                host.Value.Tally.Add(result);
                host.Value.Timings.Add(result.Phases);
            }
        }
    }

    /// <summary>Every threshold judged, in the order given: the batch's against <paramref name="tally"/>, a host's against its own figures.</summary>
    public WebBatchThreshold[] Evaluate(BatchTally tally, TimingStatistics timings) => _thresholds
        .Select(t => t.Host is null
            ? ThresholdEvaluator.Evaluate(t, tally, timings)
            : ThresholdEvaluator.Evaluate(t, _hosts[t.Host].Tally, _hosts[t.Host].Timings))
        .ToArray();

    /// <summary>A filter "api.example.com" takes every port of the host; "api.example.com:8443" that port only.</summary>
    public static bool Matches(string filter, string resultHost) =>
        string.Equals(filter, resultHost, StringComparison.OrdinalIgnoreCase)
        || (!HasPort(filter) && resultHost.Length > filter.Length && resultHost[filter.Length] == ':'
            && resultHost.StartsWith(filter, StringComparison.OrdinalIgnoreCase));

    /// <summary>"host:8080" and "[::1]:8080" name a port; "host", "[::1]" do not.</summary>
    private static bool HasPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > host.LastIndexOf(']') && colon < host.Length - 1 && host.Skip(colon + 1).All(char.IsDigit) && (host[0] == '[' || host.IndexOf(':') == colon);
    }
}
