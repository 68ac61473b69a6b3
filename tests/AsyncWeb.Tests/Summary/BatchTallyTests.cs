using System;
using System.Collections.Generic;
using System.Linq;
using AsyncWeb.Commands;
using AsyncWeb.Summary;
using Xunit;

namespace AsyncWeb.Tests.Summary;

public class BatchTallyTests
{
    private static readonly DateTime s_t0 = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    private static List<ResultFacts> Results(int count, int seed)
    {
        var random = new Random(seed);
        var errors = new[] { null, null, null, null, "HttpStatus", "ConnectionRefused" };
        return Enumerable.Range(0, count).Select(i =>
        {
            var errorId = errors[random.Next(errors.Length)];
            var sent = random.Next(20) > 0;
            return new ResultFacts(errorId, random.Next(50) == 0, errorId == "ConnectionRefused" ? 0 : (errorId is null ? 200 : 503),
                random.Next(5000), sent, TimeSpan.FromTicks(random.Next(1, 5_000_000)), sent ? s_t0.AddTicks(random.Next(0, 100_000_000)) : null);
        }).ToList();
    }

    private static string Figures(WebBatchSummary s) => string.Join("|",
        s.Count, s.Succeeded, s.Failed, s.Skipped, s.Bytes, s.StatusHistogram, s.FailureSummary, s.MinMs, s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs,
        s.WallTime.Ticks, s.RequestsPerSecond, s.StartTimeUtc?.Ticks, s.EndTimeUtc?.Ticks, string.Join(",", s.LatencySamplesMs));

    [Fact]
    public void Summaries_of_parts_merge_into_exactly_the_summary_of_the_whole()
    {
        var results = Results(5000, 7);
        var whole = new BatchTally();
        results.ForEach(r => whole.Add(r));

        // Three uneven parts, merged in another order than they ran.
        var parts = new[] { results.Take(1234), results.Skip(1234).Take(3000), results.Skip(4234) }.Select(part =>
        {
            var tally = new BatchTally();
            foreach (var r in part)
            {
                tally.Add(r);
            }

            return WebBatchSummary.From(tally);
        }).ToList();
        var merged = new BatchTally();
        foreach (var part in parts.AsEnumerable().Reverse())
        {
            merged.Merge(part.ToFacts());
        }

        Assert.Equal(Figures(WebBatchSummary.From(whole)), Figures(WebBatchSummary.From(merged)));
    }

    [Fact]
    public void Percentiles_are_nearest_rank_of_the_samples_at_0_1_ms()
    {
        var tally = new BatchTally();
        foreach (var ms in new[] { 40.04, 10.0, 30.0, 20.06 })
        {
            tally.Add(new ResultFacts(null, false, 200, 0, true, TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond)), s_t0));
        }

        var summary = WebBatchSummary.From(tally);
        Assert.Equal(new[] { 10.0, 20.1, 30.0, 40.0 }, summary.LatencySamplesMs);
        Assert.Equal(10.0, summary.MinMs);
        Assert.Equal(20.1, summary.P50Ms);
        Assert.Equal(40.0, summary.P90Ms);
        Assert.Equal(40.0, summary.MaxMs);
    }

    [Fact]
    public void Items_never_sent_count_but_have_no_latency_or_time()
    {
        var tally = new BatchTally();
        tally.Add(new ResultFacts("InvalidUri", false, 0, 0, false, TimeSpan.Zero, null));
        var summary = WebBatchSummary.From(tally);
        Assert.Equal(1, summary.Failed);
        Assert.Empty(summary.LatencySamplesMs);
        Assert.Null(summary.StartTimeUtc);
        Assert.Equal(TimeSpan.Zero, summary.WallTime);
        Assert.Equal(0, summary.RequestsPerSecond);
    }

    [Fact]
    public void Wall_time_runs_from_the_earliest_start_to_the_latest_end_of_all_parts()
    {
        var early = new BatchTally();
        early.Add(new ResultFacts(null, false, 200, 0, true, TimeSpan.FromSeconds(1), s_t0));
        var late = new BatchTally();
        late.Add(new ResultFacts(null, false, 200, 0, true, TimeSpan.FromSeconds(2), s_t0.AddSeconds(10)));
        var merged = new BatchTally();
        merged.Merge(WebBatchSummary.From(late).ToFacts());
        merged.Merge(WebBatchSummary.From(early).ToFacts());
        Assert.Equal(TimeSpan.FromSeconds(12), merged.WallTime);
        Assert.Equal(0.2, WebBatchSummary.From(merged).RequestsPerSecond);
    }
}
