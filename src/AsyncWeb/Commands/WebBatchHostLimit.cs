using System;

namespace AsyncWeb.Commands;

/// <summary>One host's per-host limit at the end of a batch (-AdaptiveThrottle's final limit), as Measure-AsyncWebBatch reports it.</summary>
public sealed class WebBatchHostLimit
{
    internal WebBatchHostLimit(string host, int limit, DateTime atUtc)
    {
        Host = host;
        Limit = limit;
        AtUtc = atUtc;
    }

    /// <summary>host[:port], as the per-host limits key it.</summary>
    public string Host { get; }

    /// <summary>The limit in force when the host's last item finished.</summary>
    public int Limit { get; }

    /// <summary>When that item finished (UTC): what lets the limits of summaries of parts merge into the last one.</summary>
    public DateTime AtUtc { get; }

    /// <inheritdoc />
    public override string ToString() => Host + "=" + Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
