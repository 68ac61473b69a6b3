using System;
using System.Linq;
using AsyncWeb.Summary;
using AsyncWeb.Thresholds;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Thresholds;

public class ThresholdEvaluatorTests
{
    private static readonly DateTime s_t0 = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    private static ResultFacts Result(double elapsedMs, double firstByteMs, string host, string? errorId = null, int offsetMs = 0) =>
        new(errorId, false, errorId is null ? 200 : 503, 10, true, TimeSpan.FromMilliseconds(elapsedMs), s_t0.AddMilliseconds(offsetMs))
        {
            Phases = new PhaseFacts { TimeToFirstByteMs = firstByteMs, TransferMs = 1, QueueWaitMs = 0, ConnectionReused = true, Host = host },
        };

    /// <summary>100 results of a.test (first byte 1..100 ms) and 10 of b.test:8080 (first byte 1000 ms, 2 failed).</summary>
    private static WebBatchThreshold[] Judge(params string[] thresholds)
    {
        var set = ThresholdSet.Parse(thresholds);
        var tally = new BatchTally();
        var timings = new TimingStatistics();
        var results = Enumerable.Range(1, 100).Select(i => Result(i + 1, i, "a.test"))
            .Concat(Enumerable.Range(0, 10).Select(i => Result(1001, 1000, "b.test:8080", i < 2 ? "HttpStatus" : null, offsetMs: 999)));
        foreach (var result in results)
        {
            tally.Add(result);
            timings.Add(result.Phases);
            set.Add(result);
        }

        return set.Evaluate(tally, timings);
    }

    [Theory]
    [InlineData("p50(TimeToFirstByte) < 100", 55, true)]
    [InlineData("p95(TimeToFirstByteMs) < 500", 1000, false)]
    [InlineData("max(Elapsed) <= 1001", 1001, true)]
    [InlineData("min(Elapsed) > 2", 2, false)]
    [InlineData("med(TimeToFirstByte) == 55", 55, true)]
    [InlineData("avg(Transfer) != 1", 1, false)]
    [InlineData("count(TimeToFirstByte) >= 110", 110, true)]
    [InlineData("count(TlsHandshake) == 0", 0, true)]
    [InlineData("FailureRate < 1%", 0.018182, false)]
    [InlineData("SuccessRate >= 0.98", 0.981818, true)]
    [InlineData("Failed < 3", 2, true)]
    [InlineData("Count == 110", 110, true)]
    [InlineData("WallTime < 2s", 2000, false)]
    [InlineData("ConnectionReuseRatio > 99%", 1, true)]
    public void Observes_the_batch_and_compares(string text, double observed, bool held)
    {
        var judged = Assert.Single(Judge(text));
        Assert.Equal(observed, judged.Observed!.Value, 6);
        Assert.Equal(held, judged.Held);
        Assert.Equal(text, judged.Expression);
        Assert.StartsWith(held ? "held   " + text + ": " : "FAILED " + text + ": ", judged.ToString());
    }

    [Fact]
    public void A_host_filter_judges_that_hosts_results_only_and_a_host_without_port_takes_every_port()
    {
        var judged = Judge("p99(TimeToFirstByte){host=a.test} < 200", "FailureRate{host=b.test} < 0.1", "count(Elapsed){host=b.test:8080} == 10", "Count{host=b.test:9}==0");
        Assert.Equal(new double?[] { 99, 0.2, 10, 0 }, judged.Select(t => t.Observed));
        Assert.Equal(new[] { true, false, true, true }, judged.Select(t => t.Held));
        Assert.Equal("a.test", judged[0].Host);
    }

    [Fact]
    public void Nothing_to_measure_fails_and_says_so()
    {
        var judged = Judge("p95(TlsHandshake) < 100", "FailureRate{host=c.test} < 0.5");
        Assert.All(judged, t => Assert.False(t.Held));
        Assert.All(judged, t => Assert.Null(t.Observed));
        Assert.Equal("FAILED p95(TlsHandshake) < 100: no samples", judged[0].ToString());
        Assert.EndsWith("no samples of host c.test", judged[1].ToString());
    }

    [Theory]
    [InlineData("a.test", "a.test", true)]
    [InlineData("A.TEST", "a.test:8080", true)]
    [InlineData("a.test:8080", "a.test", false)]
    [InlineData("a.test", "a.testing", false)]
    [InlineData("[::1]", "[::1]:5000", true)]
    [InlineData("[::1]:5000", "[::1]:5001", false)]
    public void Matches_hosts_as_results_show_them(string filter, string host, bool matches) => Assert.Equal(matches, ThresholdSet.Matches(filter, host));
}
