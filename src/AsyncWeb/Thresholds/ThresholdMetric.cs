namespace AsyncWeb.Thresholds;

/// <summary>What a threshold measures: a phase's samples (a duration, aggregated), or one figure of the summary.</summary>
internal enum ThresholdMetric
{
    Elapsed,
    QueueWait,
    DnsLookup,
    Connect,
    TlsHandshake,
    TimeToFirstByte,
    Transfer,
    Count,
    Succeeded,
    Failed,
    Skipped,
    FailureRate,
    SuccessRate,
    Bytes,
    BytesSent,
    RequestsPerSecond,
    ConnectionReuseRatio,
    ConnectionsOpened,
    ConnectionsReused,
    WallTime,
}
