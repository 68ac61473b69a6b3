using System;
using System.IO;
using System.Linq;
using AsyncWeb.Commands;
using AsyncWeb.Export;
using AsyncWeb.Security;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Export;

/// <summary>The report's page: every value escaped, secrets hidden, the waterfall sampled and saying so.</summary>
public class HtmlReportWriterTests
{
    private static string Page(BatchReport report, string title = "report", params ExportRecord[] records)
    {
        // The summary as the cmdlet makes it, from the same results in the shape of rows.
        var summary = new BatchSummaryBuilder();
        foreach (var r in records)
        {
            Assert.True(summary.TryAdd(Tests.Binding.BatchRecordReaderTests.Row(("StatusCode", r.StatusCode), ("ElapsedMs", r.ElapsedMs), ("ErrorId", r.ErrorId), ("Success", r.ErrorId is null), ("Uri", r.Uri!.OriginalString))));
        }

        var text = new StringWriter();
        new HtmlReportWriter(text).Write(summary.Build(1000), report, title, new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc), "0.3.0");
        return text.ToString();
    }

    private static ExportRecord Request(int i, string uri, string? errorId = null, string? message = null) => new()
    {
        Uri = new Uri(uri),
        StatusCode = errorId is null ? 200 : 0,
        Attempts = 1,
        ElapsedMs = i,
        StartUtc = new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(i),
        Phases = new PhaseFacts { QueueWaitMs = 0, TimeToFirstByteMs = i * 0.8, TransferMs = i * 0.2, Host = new Uri(uri).Authority },
        ErrorId = errorId,
        ErrorMessage = message,
    };

    [Fact]
    public void EscapesEveryValueSoNoInputBecomesMarkup()
    {
        var report = new BatchReport(UriRedactor.Default, 10);
        var records = new[]
        {
            Request(5, "http://h.example/%3Cscript%3Ealert(1)%3C/script%3E?q=\"><img src=x onerror=alert(2)>"),
            Request(6, "http://h.example/x", "Evil<b>Id", "message <svg onload=alert(3)> & more"),
        };
        foreach (var record in records)
        {
            report.Add(record);
        }

        var page = Page(report, "<script>alert(4)</script>", records);

        Assert.Contains("Evil&lt;b&gt;Id", page, StringComparison.Ordinal);

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg onload", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Evil<b>Id", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(4)&lt;/script&gt;", page, StringComparison.Ordinal);
    }

    [Fact]
    public void HidesSecretsInUrisAndMessages()
    {
        var report = new BatchReport(UriRedactor.Default, 10);
        var record = Request(5, "http://user:PASSW0RD@h.example/x?token=T0KEN1", "HttpStatus", "failed http://h.example/x?token=T0KEN1");
        report.Add(record);

        var page = Page(report, "report", record);

        Assert.Contains("HttpStatus", page, StringComparison.Ordinal);

        Assert.DoesNotContain("PASSW0RD", page);
        Assert.DoesNotContain("T0KEN1", page);
    }

    [Fact]
    public void KeepsTheSlowestRequestsAndSaysHowManyOfHowManyAreShown()
    {
        var report = new BatchReport(UriRedactor.Default, 3);
        foreach (var i in Enumerable.Range(1, 50))
        {
            report.Add(Request(i, "http://h.example/" + i));
        }

        Assert.Equal(new[] { 50d, 49d, 48d }, report.Slowest.Select(r => r.ElapsedMs));
        Assert.Contains("3 of 50 requests shown", Page(report));
    }
}
