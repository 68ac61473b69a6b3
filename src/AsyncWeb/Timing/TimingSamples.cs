using System;
using System.Collections.Generic;

namespace AsyncWeb.Timing;

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
