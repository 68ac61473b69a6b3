using System;
using AsyncWeb.Timing;

namespace AsyncWeb.Summary;

/// <summary>What a summary needs of one result, whatever shape the result arrived in.</summary>
internal readonly struct ResultFacts
{
    public ResultFacts(string? errorId, bool skipped, int statusCode, long contentLength, bool sent, TimeSpan elapsed, DateTime? startUtc)
    {
        ErrorId = errorId;
        Skipped = skipped;
        StatusCode = statusCode;
        ContentLength = contentLength;
        Sent = sent;
        Elapsed = elapsed;
        StartUtc = startUtc;
    }

    /// <summary>Null for a success.</summary>
    public string? ErrorId { get; }
    public bool Skipped { get; }
    public int StatusCode { get; }
    public long ContentLength { get; }

    /// <summary>At least one attempt was made: only then does the item count in latencies and wall time.</summary>
    public bool Sent { get; }
    public TimeSpan Elapsed { get; }
    public DateTime? StartUtc { get; }

    /// <summary>Where its time went (<see cref="TimingStatistics"/>).</summary>
    public PhaseFacts Phases { get; init; }

    /// <summary>Request body bytes it sent (uploads).</summary>
    public long BytesSent { get; init; }
}
