using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using AsyncWeb.Requests;

namespace AsyncWeb.Thresholds;

/// <summary>
/// Reads k6-style threshold expressions: <c>aggregation(Metric){host=name} operator limit[unit]</c>, such as
/// <c>p95(TimeToFirstByteMs) &lt; 500</c>, <c>FailureRate &lt; 1%</c>, <c>p99(Elapsed){host=api.example.com} &lt;= 2s</c>.
/// Aggregations: pNN (any percentile, p99.9), avg, min, max, med, count; units on durations: ms (default), s, m.
/// </summary>
internal static class ThresholdParser
{
    private static readonly Regex Shape = new(
        @"^(?:(?<agg>[A-Za-z][A-Za-z0-9.]*)\s*\(\s*(?<metric>[A-Za-z]+)\s*\)|(?<metric>[A-Za-z]+))\s*" +
        @"(?:\{\s*(?<key>[A-Za-z]+)\s*=\s*(?<host>[^}]*?)\s*\}\s*)?" +
        @"(?<op><=|>=|==|!=|<|>)\s*(?<limit>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*(?<unit>[A-Za-z%]*)$",
        RegexOptions.CultureInvariant);

    private static readonly Regex PercentileName = new(@"^[pP](?<n>[0-9]+(?:\.[0-9]+)?)$", RegexOptions.CultureInvariant);

    /// <summary>The parsed threshold; throws <see cref="ThresholdSyntaxException"/> naming the expression and what is wrong.</summary>
    public static ThresholdExpression Parse(string? expression)
    {
        var text = (expression ?? string.Empty).Trim();
        var match = Shape.Match(text);
        if (!match.Success)
        {
            throw new ThresholdSyntaxException(text, text.Length == 0 ? "it is empty"
                : text.IndexOfAny(new[] { '<', '>', '=' }) < 0 ? "it has no comparison (< <= > >= == !=)"
                : "expected aggregation(Metric){host=name} operator number[unit]");
        }

        var metric = ParseMetric(text, match.Groups["metric"].Value);
        var (aggregation, percentile) = match.Groups["agg"].Success ? ParseAggregation(text, match.Groups["agg"].Value) : (ThresholdAggregation.None, 0);
        if (aggregation == ThresholdAggregation.None && ThresholdMetrics.HasSamples(metric))
        {
            throw new ThresholdSyntaxException(text, $"{match.Groups["metric"].Value} has a value per request: say which, as p95({match.Groups["metric"].Value}), avg(...), med(...), min(...), max(...) or count(...)");
        }

        if (aggregation != ThresholdAggregation.None && !ThresholdMetrics.HasSamples(metric))
        {
            throw new ThresholdSyntaxException(text, $"{ThresholdMetrics.NameOf(metric)} is one figure of the batch, not a value per request: compare it as it is ({ThresholdMetrics.NameOf(metric)} < ...)");
        }

        var host = ParseHost(text, match);
        var op = match.Groups["op"].Value switch
        {
            "<" => ThresholdOperator.Less,
            "<=" => ThresholdOperator.LessOrEqual,
            ">" => ThresholdOperator.Greater,
            ">=" => ThresholdOperator.GreaterOrEqual,
            "==" => ThresholdOperator.Equal,
            _ => ThresholdOperator.NotEqual,
        };
        var limit = double.Parse(match.Groups["limit"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var isDuration = aggregation != ThresholdAggregation.Count && ThresholdMetrics.IsDuration(metric);
        return new ThresholdExpression
        {
            Text = text,
            Aggregation = aggregation,
            Percentile = percentile,
            Metric = metric,
            Host = host,
            Operator = op,
            Limit = limit * UnitFactor(text, match.Groups["unit"].Value, isDuration, ThresholdMetrics.IsRatio(metric)),
        };
    }

    private static ThresholdMetric ParseMetric(string text, string name)
    {
        if (ThresholdMetrics.TryParse(name, out var metric))
        {
            return metric;
        }

        var known = ThresholdMetrics.Names.ToArray();
        var slip = NearestName.Find(name, known);
        throw new ThresholdSyntaxException(text, $"'{name}' is no metric{(slip is null ? "" : $" (did you mean {slip}?)")}; known: {string.Join(", ", known)}");
    }

    private static (ThresholdAggregation Aggregation, double Percentile) ParseAggregation(string text, string name)
    {
        if (PercentileName.Match(name) is { Success: true } p)
        {
            var value = double.Parse(p.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (value is <= 0 or > 100)
            {
                throw new ThresholdSyntaxException(text, $"the percentile {name} is not between p0 and p100");
            }

            return (ThresholdAggregation.Percentile, value / 100);
        }

        return name.ToLowerInvariant() switch
        {
            "avg" => (ThresholdAggregation.Avg, 0),
            "min" => (ThresholdAggregation.Min, 0),
            "max" => (ThresholdAggregation.Max, 0),
            "med" => (ThresholdAggregation.Med, 0.5),
            "count" => (ThresholdAggregation.Count, 0),
            _ => throw new ThresholdSyntaxException(text, $"'{name}' is no aggregation; use pNN (p95, p99.9), avg, med, min, max or count"),
        };
    }

    private static string? ParseHost(string text, Match match)
    {
        if (!match.Groups["key"].Success)
        {
            return null;
        }

        if (!string.Equals(match.Groups["key"].Value, "host", StringComparison.OrdinalIgnoreCase))
        {
            throw new ThresholdSyntaxException(text, $"'{{{match.Groups["key"].Value}=...}}' is no filter; the one filter is {{host=name}}");
        }

        var host = match.Groups["host"].Value.Trim('\'', '"').Trim();
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            throw new ThresholdSyntaxException(text, $"'{host}' is no host: write the host as results show it (api.example.com, or 127.0.0.1:8080 for a port that is not the scheme's default)");
        }

        return host;
    }

    private static double UnitFactor(string text, string unit, bool isDuration, bool isRatio)
    {
        if (unit.Length == 0)
        {
            return 1;
        }

        if (isDuration)
        {
            switch (unit.ToLowerInvariant())
            {
                case "ms": return 1;
                case "s": return 1000;
                case "m": return 60_000;
            }

            throw new ThresholdSyntaxException(text, $"'{unit}' is no unit of time; use ms (the default), s or m");
        }

        if (isRatio && unit == "%")
        {
            return 0.01;
        }

        throw new ThresholdSyntaxException(text, $"'{unit}' does not fit this metric: " + (isRatio ? "a rate is a fraction (0.01) or a percentage (1%)" : "it is a plain number"));
    }
}
