using System;
using System.Collections.Generic;
using AsyncWeb.Timing;

namespace AsyncWeb.Summary;

/// <summary>What a summary of part of a batch carries, so that summaries merge exactly.</summary>
internal sealed class SummaryFacts
{
    public int Count { get; init; }
    public int Succeeded { get; init; }
    public int Skipped { get; init; }
    public long Bytes { get; init; }
    public long BytesSent { get; init; }
    public IReadOnlyDictionary<string, int> Failures { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<int, int> Statuses { get; init; } = new Dictionary<int, int>();
    public IReadOnlyList<double> SamplesMs { get; init; } = Array.Empty<double>();
    public DateTime? StartUtc { get; init; }
    public DateTime? EndUtc { get; init; }

    /// <summary>Its phase samples (<see cref="TimingStatistics"/>); empty for a summary made before they existed.</summary>
    public TimingSamples Timings { get; init; } = new();
}
