using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncWeb.Summary;

/// <summary>
/// The last per-host limit of each host of a batch, from its results (each says its host's limit when it finished)
/// or from summaries of parts: per host, the one seen latest wins, so parts merge exactly.
/// </summary>
internal sealed class HostLimitTally
{
    private readonly Dictionary<string, (int Limit, DateTime AtUtc)> _last = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string host, int limit, DateTime atUtc)
    {
        if (!_last.TryGetValue(host, out var seen) || atUtc >= seen.AtUtc)
        {
            _last[host] = (limit, atUtc);
        }
    }

    /// <summary>Host, limit and time of each host, by host name.</summary>
    public IEnumerable<(string Host, int Limit, DateTime AtUtc)> Final() =>
        _last.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => (h.Key, h.Value.Limit, h.Value.AtUtc));
}
