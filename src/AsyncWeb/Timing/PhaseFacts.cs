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
