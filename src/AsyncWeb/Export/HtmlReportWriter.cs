using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using AsyncWeb.Commands;

namespace AsyncWeb.Export;

/// <summary>
/// Writes a batch's HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with the
/// summary, the phases, a latency histogram, per-host figures, failures by ErrorId and a waterfall of the slowest
/// requests. Every value is HTML-escaped; URIs and messages arrive redacted (<see cref="BatchReport"/>).
/// </summary>
internal sealed class HtmlReportWriter
{
    /// <summary>At most this many hosts are listed (the busiest); the page says how many there were.</summary>
    public const int HostRowLimit = 100;

    private const string Style = @"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2430;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee8;padding-bottom:4px}
.meta{color:#5b6576}table{border-collapse:collapse;margin:4px 0}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eef1f5}
th{background:#f4f6f9;font-weight:600}td.t,th.t{text-align:left;max-width:560px;overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d8dee8;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:20px}.card span{color:#5b6576;font-size:12px}.bad b{color:#b42318}
svg text{font:11px system-ui,sans-serif;fill:#1d2430}.note{color:#5b6576;font-size:12px}
.p-blocked{fill:#b8c0cc}.p-dns{fill:#1b9e77}.p-connect{fill:#d95f02}.p-ssl{fill:#7570b3}.p-wait{fill:#2c7fb8}.p-receive{fill:#66a61e}.p-failed{fill:#d62728}.p-rest{fill:#e7e1ef}
.bar{fill:#2c7fb8}.over{fill:#d95f02}.grid{stroke:#eef1f5}";

    private readonly TextWriter _out;

    public HtmlReportWriter(TextWriter output) => _out = output;

    public void Write(WebBatchSummary summary, BatchReport report, string title, DateTime generatedUtc, string creatorVersion)
    {
        _out.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        _out.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        _out.Write("<title>" + E(title) + "</title><style>" + Style + "</style></head><body>\n");
        _out.Write("<h1>" + E(title) + "</h1><p class=\"meta\">" + E(string.Create(CultureInfo.InvariantCulture,
            $"Generated {generatedUtc:yyyy-MM-dd HH:mm:ss} UTC by AsyncWeb {creatorVersion}. Batch from {When(summary.StartTimeUtc)} to {When(summary.EndTimeUtc)} UTC.")) + "</p>\n");
        WriteSummary(summary);
        WritePhases(summary);
        _out.Write("<h2>Latency</h2>\n");
        new ReportSvg(_out).Histogram(summary.LatencySamplesMs, summary.P99Ms);
        WriteHosts(report);
        WriteFailures(report, summary);
        WriteWaterfall(report);
        _out.Write("<p class=\"note\">URIs show user-info and sensitive query values as ***; messages hide the values of sensitive request headers and query parameters. No body is in this report.</p>\n</body></html>\n");
    }

    private void WriteSummary(WebBatchSummary s)
    {
        _out.Write("<h2>Summary</h2>\n<div class=\"cards\" id=\"summary\">");
        Card("Count", N(s.Count), "requests");
        Card("Succeeded", N(s.Succeeded), "succeeded");
        Card("Failed", N(s.Failed), "failed", s.Failed > 0);
        Card("Skipped", N(s.Skipped), "skipped");
        Card("P50Ms", Ms(s.P50Ms), "p50 ms");
        Card("P90Ms", Ms(s.P90Ms), "p90 ms");
        Card("P99Ms", Ms(s.P99Ms), "p99 ms");
        Card("MaxMs", Ms(s.MaxMs), "max ms");
        Card("RequestsPerSecond", s.RequestsPerSecond.ToString("N1", CultureInfo.InvariantCulture), "requests/s");
        Card("WallTime", s.WallTime.TotalSeconds.ToString("N2", CultureInfo.InvariantCulture), "wall time s");
        Card("Bytes", N(s.Bytes), "bytes received");
        Card("ConnectionReuseRatio", s.ConnectionReuseRatio.ToString("P1", CultureInfo.InvariantCulture), "connections reused");
        _out.Write("</div>\n<p class=\"meta\">Statuses: " + E(s.StatusHistogram.Length > 0 ? s.StatusHistogram : "none") + "</p>\n");
    }

    private void Card(string name, string value, string label, bool bad = false) =>
        _out.Write("<div class=\"card" + (bad ? " bad" : string.Empty) + "\" data-name=\"" + E(name) + "\"><b>" + E(value) + "</b><span>" + E(label) + "</span></div>");

    private void WritePhases(WebBatchSummary s)
    {
        _out.Write("<h2>Where the time went</h2>\n<table id=\"phases\"><tr><th class=\"t\">Phase</th><th>Count</th><th>Min ms</th><th>P50 ms</th><th>P90 ms</th><th>P99 ms</th><th>Max ms</th></tr>\n");
        foreach (var (name, p) in new[] { ("Latency", s.Latency), ("QueueWait", s.QueueWait), ("DnsLookup", s.DnsLookup), ("Connect", s.Connect), ("TlsHandshake", s.TlsHandshake), ("TimeToFirstByte", s.TimeToFirstByte), ("Transfer", s.Transfer) })
        {
            Row(name, N(p.Count), Ms(p.MinMs), Ms(p.P50Ms), Ms(p.P90Ms), Ms(p.P99Ms), Ms(p.MaxMs));
        }

        _out.Write("</table>\n");
    }

    private void WriteHosts(BatchReport report)
    {
        var hosts = report.Hosts.OrderByDescending(h => h.Elapsed.Count).ThenBy(h => h.Host, StringComparer.OrdinalIgnoreCase).Take(HostRowLimit).ToList();
        _out.Write("<h2>Hosts</h2>\n");
        if (report.Hosts.Count > hosts.Count)
        {
            _out.Write("<p class=\"note\">" + E(string.Create(CultureInfo.InvariantCulture, $"{hosts.Count} of {report.Hosts.Count} hosts shown (the busiest).")) + "</p>\n");
        }

        _out.Write("<table id=\"hosts\"><tr><th class=\"t\">Host</th><th>Requests</th><th>Failed</th><th>P50 ms</th><th>P90 ms</th><th>P99 ms</th><th>Max ms</th><th>First byte p99 ms</th><th>Limit</th></tr>\n");
        foreach (var h in hosts)
        {
            Row(h.Host, N(h.Elapsed.Count), N(h.Failed), Ms(h.Elapsed.Percentile(0.5)), Ms(h.Elapsed.Percentile(0.9)), Ms(h.Elapsed.Percentile(0.99)),
                Ms(h.Elapsed.Percentile(1)), h.TimeToFirstByte.Count > 0 ? Ms(h.TimeToFirstByte.Percentile(0.99)) : "–", h.Limit?.ToString(CultureInfo.InvariantCulture) ?? "–");
        }

        _out.Write("</table>\n");
    }

    private void WriteFailures(BatchReport report, WebBatchSummary summary)
    {
        _out.Write("<h2>Failures by ErrorId</h2>\n");
        if (summary.FailuresByErrorId.Count == 0)
        {
            _out.Write("<p id=\"failures\">No failures.</p>\n");
            return;
        }

        var examples = report.Failures.ToDictionary(f => f.ErrorId, StringComparer.Ordinal);
        _out.Write("<table id=\"failures\"><tr><th class=\"t\">ErrorId</th><th>Count</th><th class=\"t\">First URI</th><th class=\"t\">First message</th></tr>\n");
        foreach (var failure in summary.FailuresByErrorId.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal))
        {
            examples.TryGetValue(failure.Key, out var example);
            _out.Write("<tr><td class=\"t\">" + E(failure.Key) + "</td><td>" + E(N(failure.Value)) + "</td><td class=\"t\">" + E(example?.ExampleUrl ?? string.Empty)
                + "</td><td class=\"t\">" + E(Cut(example?.ExampleMessage ?? string.Empty, 300)) + "</td></tr>\n");
        }

        _out.Write("</table>\n");
    }

    private void WriteWaterfall(BatchReport report)
    {
        var rows = report.Slowest;
        _out.Write("<h2>Slowest requests</h2>\n<p class=\"note\" id=\"waterfall-count\">" + E(string.Create(CultureInfo.InvariantCulture,
            $"{rows.Count:N0} of {report.Sent:N0} requests shown: the slowest, slowest first. Each bar is the request's own phases (its last attempt); the pale rest is retries, pauses and what the phases do not cover.")) + "</p>\n");
        var svg = new ReportSvg(_out);
        svg.Legend();
        svg.Waterfall(rows, report.FirstStartUtc);
    }

    private void Row(params string[] cells)
    {
        _out.Write("<tr><td class=\"t\">" + E(cells[0]) + "</td>");
        for (var i = 1; i < cells.Length; i++)
        {
            _out.Write("<td>" + E(cells[i]) + "</td>");
        }

        _out.Write("</tr>\n");
    }

    /// <summary>HTML-escaped text: &lt; &gt; &amp; and both quotes, so a value is safe in content and in attributes.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty).Replace("'", "&#39;");

    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(double ms) => ms.ToString("N1", CultureInfo.InvariantCulture);

    private static string When(DateTime? utc) => utc?.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "–";

    private static string Cut(string text, int max) => text.Length <= max ? text : text.Substring(0, max) + "…";
}
