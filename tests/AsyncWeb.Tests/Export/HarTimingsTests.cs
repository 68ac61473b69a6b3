using AsyncWeb.Export;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Export;

/// <summary>The phase timings as HAR 1.2 timings: blocked, dns, connect (with ssl in it), ssl, send, wait, receive; -1 where unknown.</summary>
public class HarTimingsTests
{
    private static ExportRecord Record(PhaseFacts phases, int status = 200, double elapsed = 100, int attempts = 1) =>
        new() { Phases = phases, StatusCode = status, ElapsedMs = elapsed, Attempts = attempts };

    [Fact]
    public void MapsANewTlsConnectionWithConnectIncludingSsl()
    {
        var t = HarTimings.Of(Record(new PhaseFacts { QueueWaitMs = 2, DnsLookupMs = 3, ConnectMs = 4, TlsHandshakeMs = 5, TimeToFirstByteMs = 6, TransferMs = 7, ConnectionReused = false }));

        Assert.Equal((2d, 3d, 9d, 5d, 0d, 6d, 7d), (t.Blocked, t.Dns, t.Connect, t.Ssl, t.Send, t.Wait, t.Receive));
        Assert.Equal(2 + 3 + 9 + 6 + 7, t.Time);
    }

    [Fact]
    public void AReusedConnectionTookNoConnectionTime()
    {
        var t = HarTimings.Of(Record(new PhaseFacts { QueueWaitMs = 0, DnsLookupMs = 0, ConnectMs = 0, TlsHandshakeMs = null, TimeToFirstByteMs = 1.5, TransferMs = 0.25, ConnectionReused = true }));

        Assert.Equal((0d, 0d, 0d, -1d), (t.Blocked, t.Dns, t.Connect, t.Ssl));
        Assert.Equal(1.75, t.Time);
    }

    [Fact]
    public void UnknownPhasesAreMinusOneWhereHarAllowsItAndZeroWhereItDoesNot()
    {
        // Windows PowerShell sees no connection: dns, connect and ssl unknown; a result without any phase (deserialized from an old version).
        var t = HarTimings.Of(Record(new PhaseFacts { TimeToFirstByteMs = null, TransferMs = null }));

        Assert.Equal((-1d, -1d, -1d, -1d), (t.Blocked, t.Dns, t.Connect, t.Ssl));
        Assert.Equal((0d, 0d, 0d), (t.Send, t.Wait, t.Receive));
        Assert.Equal(0, t.Time);
    }

    [Fact]
    public void ARequestWithoutAResponseWaitedUntilItFailed()
    {
        var t = HarTimings.Of(Record(new PhaseFacts { QueueWaitMs = 1, DnsLookupMs = 2, ConnectMs = 3, ConnectionReused = false }, status: 0, elapsed: 50));

        Assert.Equal(45, t.Wait);
        Assert.Equal(0, t.Receive);
        Assert.Equal(1 + 2 + 3 + 45, t.Time);
    }
}
