using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using AsyncWeb.Export;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Export;

/// <summary>
/// The HAR writer's rules on single entries: which results are entries, what bodies are written, what a failure looks
/// like, and that no secret reaches the file. (tests/Export.Tests.ps1 validates whole files from real batches against
/// the HAR 1.2 structure.)
/// </summary>
public class HarWriterTests
{
    private static readonly DateTime s_start = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    private static KeyValuePair<string, string> Pair(string name, string value) => new(name, value);

    private static ExportRecord Answered(string content = "{\"ok\":true}", string type = "application/json") => new()
    {
        Index = 3,
        Uri = new Uri("http://h.example/api?page=1"),
        StatusCode = 200,
        ReasonPhrase = "OK",
        ProtocolVersion = new Version(1, 1),
        StartUtc = s_start,
        ElapsedMs = 12,
        Attempts = 1,
        Phases = new PhaseFacts { QueueWaitMs = 1, DnsLookupMs = 0, ConnectMs = 0, TimeToFirstByteMs = 10, TransferMs = 2, ConnectionReused = true },
        ResponseHeaders = new[] { Pair("Content-Type", type) },
        ContentType = type,
        ContentLength = Encoding.UTF8.GetByteCount(content),
        Content = content,
    };

    private static (JsonElement Log, string Text) Write(HarOptions options, params ExportRecord[] records)
    {
        using var output = new MemoryStream();
        using (var writer = new HarWriter(output, options))
        {
            foreach (var record in records)
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        var text = Encoding.UTF8.GetString(output.ToArray());
        return (JsonDocument.Parse(text).RootElement.GetProperty("log").Clone(), text);
    }

    [Fact]
    public void WritesOneEntryPerSentResultAndSaysHowManyWereNotSent()
    {
        var journaled = new ExportRecord { Uri = new Uri("http://h.example/done"), StatusCode = 200, Attempts = 0 };
        var (log, _) = Write(new HarOptions { CreatorVersion = "9.9.9" }, Answered(), journaled, Answered());

        Assert.Equal("1.2", log.GetProperty("version").GetString());
        Assert.Equal("AsyncWeb", log.GetProperty("creator").GetProperty("name").GetString());
        Assert.Equal("9.9.9", log.GetProperty("creator").GetProperty("version").GetString());
        Assert.Equal(2, log.GetProperty("entries").GetArrayLength());
        Assert.Contains("1 result(s) not sent", log.GetProperty("comment").GetString());
    }

    [Fact]
    public void StartsTheEntryWhenTheRequestWasQueuedAndTimesItAsTheSumOfItsTimings()
    {
        var entry = Write(new HarOptions(), Answered()).Log.GetProperty("entries")[0];

        Assert.Equal("2026-12-06T11:59:59.9990000Z", entry.GetProperty("startedDateTime").GetString());
        Assert.Equal(13, entry.GetProperty("time").GetDouble());
        Assert.Equal("HTTP/1.1", entry.GetProperty("response").GetProperty("httpVersion").GetString());
        Assert.Equal("1", entry.GetProperty("request").GetProperty("queryString")[0].GetProperty("value").GetString());
    }

    [Fact]
    public void WritesBodiesOnlyWhenAskedTextOnlyAndWithinTheLimit()
    {
        var text = Answered();
        var large = Answered(new string('x', 100));
        var binary = new ExportRecord { Uri = text.Uri, StatusCode = 200, Attempts = 1, ContentLength = 10, BinaryContent = true, ContentType = "image/png" };

        var without = Write(new HarOptions(), text).Log.GetProperty("entries")[0].GetProperty("response").GetProperty("content");
        Assert.False(without.TryGetProperty("text", out _));
        Assert.Equal(11, without.GetProperty("size").GetInt64());
        Assert.Contains("-IncludeContent", without.GetProperty("comment").GetString());

        var entries = Write(new HarOptions { IncludeContent = true, MaximumContentBytes = 50 }, text, large, binary).Log.GetProperty("entries");
        Assert.Equal("{\"ok\":true}", entries[0].GetProperty("response").GetProperty("content").GetProperty("text").GetString());
        Assert.False(entries[1].GetProperty("response").GetProperty("content").TryGetProperty("text", out _));
        Assert.Contains("-MaximumContentBytes 50", entries[1].GetProperty("response").GetProperty("content").GetProperty("comment").GetString());
        Assert.False(entries[2].GetProperty("response").GetProperty("content").TryGetProperty("text", out _));
        Assert.Contains("binary", entries[2].GetProperty("response").GetProperty("content").GetProperty("comment").GetString());
    }

    [Fact]
    public void WritesARequestWithoutAResponseAsStatusZeroWithItsError()
    {
        var failed = new ExportRecord
        {
            Uri = new Uri("http://127.0.0.1:1/x?token=T0PSECRET"),
            Attempts = 3,
            ElapsedMs = 40,
            StartUtc = s_start,
            ErrorId = "ConnectionRefused",
            ErrorMessage = "refused: http://127.0.0.1:1/x?token=T0PSECRET",
        };
        var (log, text) = Write(new HarOptions(), failed);
        var entry = log.GetProperty("entries")[0];

        Assert.Equal(0, entry.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal(string.Empty, entry.GetProperty("response").GetProperty("httpVersion").GetString());
        Assert.Equal("ConnectionRefused", entry.GetProperty("_error").GetString());
        Assert.Equal(3, entry.GetProperty("_attempts").GetInt32());
        Assert.Equal(40, entry.GetProperty("timings").GetProperty("wait").GetDouble());
        Assert.DoesNotContain("T0PSECRET", text);
    }

    [Fact]
    public void LeavesNoSecretInTheFile()
    {
        var record = Answered("echo: Bearer T0KEN-VALUE, cookie SESSION-VALUE, sig S1GNATURE");
        record = new ExportRecord
        {
            Uri = new Uri("https://user:PASSW0RD@h.example/api?sig=S1GNATURE&page=1"),
            StatusCode = 302,
            Attempts = 1,
            StartUtc = s_start,
            RequestHeaders = new[] { Pair("Authorization", "Bearer T0KEN-VALUE"), Pair("Cookie", "a=SESSION-VALUE; b=OTHER-VALUE") },
            ResponseHeaders = new[] { Pair("Set-Cookie", "sid=NEW-SESSION; Path=/"), Pair("Location", "https://h.example/next?sig=S1GNATURE"), Pair("X-Echo", "T0KEN-VALUE") },
            ContentType = "text/plain",
            Content = record.Content,
            ContentLength = record.ContentLength,
        };

        var (log, text) = Write(new HarOptions { IncludeContent = true }, record);

        foreach (var secret in new[] { "PASSW0RD", "S1GNATURE", "T0KEN-VALUE", "SESSION-VALUE", "OTHER-VALUE", "NEW-SESSION" })
        {
            Assert.DoesNotContain(secret, text);
        }

        var entry = log.GetProperty("entries")[0];
        Assert.Equal(new[] { "a", "b" }, entry.GetProperty("request").GetProperty("cookies").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("sid", entry.GetProperty("response").GetProperty("cookies")[0].GetProperty("name").GetString());
        Assert.Equal("https://h.example/next?sig=***", entry.GetProperty("response").GetProperty("redirectURL").GetString());
    }
}
