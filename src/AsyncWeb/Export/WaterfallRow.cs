namespace AsyncWeb.Export;

/// <summary>One request of the report's waterfall: what its row shows, secrets already hidden.</summary>
internal sealed class WaterfallRow
{
    public long Sequence { get; init; }
    public string Url { get; init; } = string.Empty;
    public string Method { get; init; } = "GET";
    public int StatusCode { get; init; }
    public string? ErrorId { get; init; }
    public double ElapsedMs { get; init; }
    public int Attempts { get; init; }
    public HarTimings Timings { get; init; }

    /// <summary>When the request's first attempt started (UTC); null when not known.</summary>
    public System.DateTime? StartUtc { get; init; }
}
