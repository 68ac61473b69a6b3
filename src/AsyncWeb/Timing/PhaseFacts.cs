using System;
using System.Linq;
using AsyncWeb.Requests;

namespace AsyncWeb.Timing;

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
        Host = HostKey.TryOf(result.FinalUri ?? result.Uri),
    };
}
