using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using static AsyncWeb.Export.HtmlReportWriter;

namespace AsyncWeb.Export;

/// <summary>The report's pictures as inline SVG: the latency histogram, the phase legend and the waterfall.</summary>
internal sealed class ReportSvg
{
    private const int Bins = 40;
    private const int Width = 1200;
    private const int LabelWidth = 420;
    private const int RowHeight = 16;

    /// <summary>The phases drawn, in order, with their CSS classes.</summary>
    public static readonly IReadOnlyList<(string Css, string Name)> PhaseNames = new[]
    {
        ("p-blocked", "queued (blocked)"), ("p-dns", "DNS"), ("p-connect", "connect"), ("p-ssl", "TLS"),
        ("p-wait", "first byte (wait)"), ("p-receive", "transfer (receive)"), ("p-failed", "failed (no response)"), ("p-rest", "retries, pauses, other"),
    };

    private readonly TextWriter _out;

    public ReportSvg(TextWriter output) => _out = output;

    /// <summary>Counts of latencies in equal bins up to the 99th percentile, and one bin above it.</summary>
    public void Histogram(IReadOnlyList<double> sortedMs, double p99Ms)
    {
        if (sortedMs.Count == 0)
        {
            _out.Write("<p id=\"histogram\">No request was sent.</p>\n");
            return;
        }

        var top = Math.Max(p99Ms, sortedMs[0] + 0.1);
        var width = top / Bins;
        var counts = new long[Bins + 1];
        foreach (var ms in sortedMs)
        {
            counts[ms > top ? Bins : Math.Min(Bins - 1, (int)(ms / width))]++;
        }

        var most = 1L;
        foreach (var c in counts)
        {
            most = Math.Max(most, c);
        }

        const int height = 180;
        const int barWidth = 26;
        _out.Write(F($"<svg id=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{(Bins + 1) * barWidth + 60}\" height=\"{height + 40}\" role=\"img\" aria-label=\"latency histogram\">"));
        for (var i = 0; i <= Bins; i++)
        {
            var h = counts[i] == 0 ? 0 : Math.Max(1.0, counts[i] * (double)height / most);
            var label = i < Bins ? F($"{i * width:0.#}–{(i + 1) * width:0.#} ms: {counts[i]:N0}") : F($"above p99 ({top:0.#} ms): {counts[i]:N0}");
            _out.Write(F($"<rect class=\"{(i < Bins ? "bar" : "over")}\" x=\"{40 + i * barWidth}\" y=\"{height - h + 10:0.#}\" width=\"{barWidth - 2}\" height=\"{h:0.#}\"><title>{E(label)}</title></rect>"));
        }

        _out.Write(F($"<text x=\"40\" y=\"{height + 26}\">0 ms</text><text x=\"{40 + Bins * barWidth / 2}\" y=\"{height + 26}\">{E(F($"{top / 2:N1} ms"))}</text>"));
        _out.Write(F($"<text x=\"{40 + (Bins - 3) * barWidth}\" y=\"{height + 26}\">{E(F($"{top:N1} ms (p99)"))}</text><text x=\"0\" y=\"20\">{E(F($"{most:N0}"))}</text></svg>\n"));
    }

    public void Legend()
    {
        _out.Write("<svg id=\"legend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"1100\" height=\"20\">");
        var x = 0;
        foreach (var (css, name) in PhaseNames)
        {
            _out.Write(F($"<rect class=\"{css}\" x=\"{x}\" y=\"4\" width=\"12\" height=\"12\"></rect><text x=\"{x + 16}\" y=\"14\">{E(name)}</text>"));
            x += 20 + (name.Length * 7);
        }

        _out.Write("</svg>\n");
    }

    /// <summary>One row per request, its phases as bars from its start, scaled to the slowest; the rest of its elapsed time pale.</summary>
    public void Waterfall(IReadOnlyList<WaterfallRow> rows, DateTime? firstStartUtc)
    {
        if (rows.Count == 0)
        {
            _out.Write("<p id=\"waterfall\">No request was sent.</p>\n");
            return;
        }

        var scale = 1.0;
        foreach (var row in rows)
        {
            scale = Math.Max(scale, Math.Max(row.ElapsedMs, row.Timings.Time));
        }

        var plot = Width - LabelWidth - 20;
        _out.Write(F($"<svg id=\"waterfall\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{(rows.Count * RowHeight) + 30}\" role=\"img\" aria-label=\"slowest requests\">"));
        _out.Write(F($"<text x=\"{LabelWidth}\" y=\"12\">0 ms</text><text x=\"{Width - 90}\" y=\"12\">{E(F($"{scale:N1} ms"))}</text>"));
        var y = 20;
        foreach (var row in rows)
        {
            var offset = row.StartUtc is { } start && firstStartUtc is { } first ? F($" +{(start - first).TotalSeconds:N3} s") : string.Empty;
            var status = row.ErrorId is null ? row.StatusCode.ToString(CultureInfo.InvariantCulture) : row.StatusCode + " " + row.ErrorId;
            var t = row.Timings;
            var tip = F($"{row.Method} {row.Url}\n{status}, {row.ElapsedMs:N1} ms, {row.Attempts} attempt(s){offset}\nblocked {t.Blocked:0.###} dns {t.Dns:0.###} connect {t.Connect:0.###} ssl {t.Ssl:0.###} wait {t.Wait:0.###} receive {t.Receive:0.###} ms");
            _out.Write(F($"<g class=\"row\"><title>{E(tip)}</title><text x=\"0\" y=\"{y + 11}\">{E(Label(row.Method + " " + row.Url))}</text>"));
            var x = (double)LabelWidth;
            var failed = row.StatusCode == 0;

            // Blocked is drawn before the request's start; the connect bar includes TLS (HAR's rule), so TLS is drawn inside it.
            x = Bar("p-blocked", x, t.Blocked, scale, plot, y);
            x = Bar("p-dns", x, t.Dns, scale, plot, y);
            var tcp = t.Ssl > 0 ? t.Connect - t.Ssl : t.Connect;
            x = Bar("p-connect", x, tcp, scale, plot, y);
            x = Bar("p-ssl", x, t.Ssl, scale, plot, y);
            x = Bar(failed ? "p-failed" : "p-wait", x, t.Wait, scale, plot, y);
            x = Bar("p-receive", x, t.Receive, scale, plot, y);
            var rest = Math.Max(0, row.ElapsedMs + Math.Max(0, t.Blocked) - t.Time);
            Bar("p-rest", x, rest, scale, plot, y);
            _out.Write(F($"<text x=\"{Math.Min(Width - 80, x + (rest * plot / scale) + 4):0.#}\" y=\"{y + 11}\">{E(F($"{row.ElapsedMs:N0} ms"))}</text></g>"));
            y += RowHeight;
        }

        _out.Write("</svg>\n");
    }

    private double Bar(string css, double x, double ms, double scale, int plot, int y)
    {
        if (ms <= 0)
        {
            return x;
        }

        var w = ms * plot / scale;
        _out.Write(F($"<rect class=\"{css}\" x=\"{x:0.##}\" y=\"{y + 2}\" width=\"{Math.Max(w, 0.5):0.##}\" height=\"{RowHeight - 4}\"></rect>"));
        return x + w;
    }

    private static string Label(string text) => text.Length <= 64 ? text : text.Substring(0, 63) + "…";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
