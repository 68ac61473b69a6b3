using System;

namespace AsyncWeb.Export;

/// <summary>
/// A result's phases as HAR 1.2 timings, in milliseconds: blocked = QueueWaitMs, dns = DnsLookupMs, connect =
/// ConnectMs plus TlsHandshakeMs (HAR's connect includes ssl), ssl = TlsHandshakeMs, send = 0 (not measured apart
/// from the first byte), wait = TimeToFirstByteMs, receive = TransferMs. -1 where a phase is not known (blocked, dns,
/// connect and ssl only: send, wait and receive cannot be -1 in HAR, so an unknown one is 0). A request that got no
/// response has its time until it failed as wait. Time is the sum of the non-negative timings except ssl.
/// </summary>
internal readonly struct HarTimings
{
    public const double Unknown = -1;

    public double Blocked { get; init; }
    public double Dns { get; init; }
    public double Connect { get; init; }
    public double Ssl { get; init; }
    public double Send { get; init; }
    public double Wait { get; init; }
    public double Receive { get; init; }

    /// <summary>The entry's time: HAR's rule, the sum of the timings other than ssl (part of connect) and -1.</summary>
    public double Time => Round(Known(Blocked) + Known(Dns) + Known(Connect) + Send + Wait + Receive);

    public static HarTimings Of(ExportRecord record)
    {
        var phases = record.Phases;
        var ssl = phases.TlsHandshakeMs ?? Unknown;
        var connect = phases.ConnectMs is { } tcp ? tcp + Known(ssl) : Unknown;
        var wait = phases.TimeToFirstByteMs;
        if (wait is null && record.StatusCode == 0 && record.Sent)
        {
            // No response: the request's time until it failed, as browsers show a failed request.
            wait = Math.Max(0, record.ElapsedMs - Known(phases.DnsLookupMs ?? Unknown) - Known(connect));
        }

        return new HarTimings
        {
            Blocked = Round(phases.QueueWaitMs ?? Unknown),
            Dns = Round(phases.DnsLookupMs ?? Unknown),
            Connect = Round(connect),
            Ssl = Round(ssl),
            Send = 0,
            Wait = Round(wait ?? 0),
            Receive = Round(phases.TransferMs ?? 0),
        };
    }

    private static double Known(double ms) => ms < 0 ? 0 : ms;

    private static double Round(double ms) => ms < 0 ? Unknown : Math.Round(ms, 3);
}
