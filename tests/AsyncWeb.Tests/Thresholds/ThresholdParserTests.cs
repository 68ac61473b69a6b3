using AsyncWeb.Thresholds;
using Xunit;

namespace AsyncWeb.Tests.Thresholds;

public class ThresholdParserTests
{
    [Theory]
    [InlineData("p95(TimeToFirstByteMs) < 500", "Percentile", 0.95, "TimeToFirstByte", "Less", 500)]
    [InlineData("p99(Elapsed) < 2s", "Percentile", 0.99, "Elapsed", "Less", 2000)]
    [InlineData("  p99.9(latency)<=1.5m ", "Percentile", 0.999, "Elapsed", "LessOrEqual", 90000)]
    [InlineData("avg(Connect) >= 0.5ms", "Avg", 0, "Connect", "GreaterOrEqual", 0.5)]
    [InlineData("MED(TransferMs) == 3", "Med", 0.5, "Transfer", "Equal", 3)]
    [InlineData("max(QueueWait) != 0", "Max", 0, "QueueWait", "NotEqual", 0)]
    [InlineData("count(TlsHandshakeMs) > 10", "Count", 0, "TlsHandshake", "Greater", 10)]
    [InlineData("FailureRate < 0.01", "None", 0, "FailureRate", "Less", 0.01)]
    [InlineData("FailureRate < 2%", "None", 0, "FailureRate", "Less", 0.02)]
    [InlineData("Count>=1e3", "None", 0, "Count", "GreaterOrEqual", 1000)]
    [InlineData("WallTime < 1m", "None", 0, "WallTime", "Less", 60000)]
    public void Reads_aggregation_metric_operator_and_limit_in_the_metrics_unit(string text, string aggregation, double percentile, string metric, string op, double limit)
    {
        var t = ThresholdParser.Parse(text);
        Assert.Equal(aggregation, t.Aggregation.ToString());
        Assert.Equal(percentile, t.Percentile, 6);
        Assert.Equal(metric, t.Metric.ToString());
        Assert.Equal(op, t.Operator.ToString());
        Assert.Equal(limit, t.Limit, 6);
        Assert.Null(t.Host);
        Assert.Equal(text.Trim(), t.Text);
    }

    [Theory]
    [InlineData("p95(TimeToFirstByteMs){host=api.example.com} < 300", "api.example.com")]
    [InlineData("FailureRate { host = '127.0.0.1:8080' } < 1%", "127.0.0.1:8080")]
    [InlineData("max(Elapsed){host=[::1]:5000} < 1s", "[::1]:5000")]
    public void Reads_a_host_filter(string text, string host) => Assert.Equal(host, ThresholdParser.Parse(text).Host);

    [Fact]
    public void Names_what_was_measured_in_the_summarys_names()
    {
        Assert.Equal("p95(TimeToFirstByteMs)", ThresholdParser.Parse("p95(timetofirstbyte) < 1").Measured);
        Assert.Equal("p99.9(ElapsedMs)", ThresholdParser.Parse("p99.9(Latency) < 1").Measured);
        Assert.Equal("avg(ConnectMs)", ThresholdParser.Parse("avg(Connect) < 1").Measured);
        Assert.Equal("FailureRate", ThresholdParser.Parse("failurerate < 1").Measured);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("p95(TimeToFirstByteMs) 500", "no comparison")]
    [InlineData("p95(TimeToFirstByteMs) < fast", "expected aggregation(Metric)")]
    [InlineData("p95(TimeToFirstByteMs) =< 5", "expected aggregation(Metric)")]
    [InlineData("p95(TimeToFirstBite) < 5", "did you mean TimeToFirstByte")]
    [InlineData("q95(Elapsed) < 5", "'q95' is no aggregation")]
    [InlineData("p0(Elapsed) < 5", "not between p0 and p100")]
    [InlineData("p101(Elapsed) < 5", "not between p0 and p100")]
    [InlineData("Elapsed < 5", "say which")]
    [InlineData("p95(FailureRate) < 5", "one figure of the batch")]
    [InlineData("p95(Elapsed) < 5h", "no unit of time")]
    [InlineData("Count < 5%", "plain number")]
    [InlineData("FailureRate < 5ms", "a rate is a fraction")]
    [InlineData("p95(Elapsed){status=500} < 5", "the one filter is {host=name}")]
    [InlineData("p95(Elapsed){host=} < 5", "is no host")]
    [InlineData("p95(Elapsed){host=https://a/b} < 5", "is no host")]
    public void Names_the_bad_expression_and_what_is_wrong(string text, string reason)
    {
        var bad = Assert.Throws<ThresholdSyntaxException>(() => ThresholdParser.Parse(text));
        Assert.Equal(text, bad.Expression);
        Assert.Contains($"'{text}'", bad.Message);
        Assert.Contains(reason, bad.Message);
    }
}
