using System;
using System.Collections.Generic;
using AsyncWeb.Timing;

namespace AsyncWeb.Summary;

/// <summary>
/// The figures of a batch, from its results or from summaries of its parts (shards, jobs, hosts).
/// Everything is a count, a sum, a min/max or the multiset of latency samples, so merging parts
/// gives exactly the figures of the whole: percentiles come from the merged samples, never from
/// averaged percentiles.
/// </summary>
internal sealed class BatchTally
{
    private readonly SampleSet _samples = new();
    private readonly SortedDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, int> _statuses = new();

    public int Count { get; private set; }
    public int Succeeded { get; private set; }
    public int Skipped { get; private set; }
    public long Bytes { get; private set; }
    public long BytesSent { get; private set; }
    public DateTime? StartUtc { get; private set; }
    public DateTime? EndUtc { get; private set; }
    public IReadOnlyDictionary<string, int> Failures => _failures;
    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    /// <summary>The latency of every request sent, in ms at the results' 0.1 ms resolution (ElapsedMs), ascending.</summary>
    public IReadOnlyList<double> SamplesMs => _samples.Sorted;

    /// <summary>From the earliest start to the latest end.</summary>
    public TimeSpan WallTime => StartUtc is { } start && EndUtc is { } end ? end - start : TimeSpan.Zero;

    public void Add(in ResultFacts result)
    {
        Count++;
        Skipped += result.Skipped ? 1 : 0;
        if (result.ErrorId is null)
        {
            Succeeded++;
        }
        else
        {
            Increment(_failures, result.ErrorId, 1);
        }

        if (result.StatusCode > 0)
        {
            Increment(_statuses, result.StatusCode, 1);
        }

        Bytes += result.ContentLength;
        BytesSent += result.BytesSent;
        if (result.Sent)
        {
            _samples.Add(Math.Round(result.Elapsed.TotalMilliseconds, 1));
            if (result.StartUtc is { } start)
            {
                Widen(start, start + result.Elapsed);
            }
        }
    }

    public void Merge(SummaryFacts part)
    {
        Count += part.Count;
        Succeeded += part.Succeeded;
        Skipped += part.Skipped;
        Bytes += part.Bytes;
        BytesSent += part.BytesSent;
        foreach (var failure in part.Failures)
        {
            Increment(_failures, failure.Key, failure.Value);
        }

        foreach (var status in part.Statuses)
        {
            Increment(_statuses, status.Key, status.Value);
        }

        foreach (var sample in part.SamplesMs)
        {
            _samples.Add(sample);
        }

        if (part.StartUtc is { } start && part.EndUtc is { } end)
        {
            Widen(start, end);
        }
    }

    /// <summary>Nearest-rank percentile (0 &lt; p ≤ 1) of the samples; 0 when there are none.</summary>
    public double Percentile(double p) => _samples.Percentile(p);

    private void Widen(DateTime start, DateTime end)
    {
        StartUtc = StartUtc is null || start < StartUtc ? start : StartUtc;
        EndUtc = EndUtc is null || end > EndUtc ? end : EndUtc;
    }

    private static void Increment<TKey>(SortedDictionary<TKey, int> counts, TKey key, int by)
        where TKey : notnull
    {
        counts.TryGetValue(key, out var n);
        counts[key] = n + by;
    }
}
