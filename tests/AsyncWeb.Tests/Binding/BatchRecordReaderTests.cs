using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Binding;
using AsyncWeb.Commands;
using AsyncWeb.Requests;
using AsyncWeb.Summary;
using AsyncWeb.Timing;
using Xunit;

namespace AsyncWeb.Tests.Binding;

/// <summary>
/// Measure-AsyncWebBatch's reading of results and summaries in the shapes they travel: a row of Import-Csv (all
/// text), an object with numbers, a deserialized one (PSSerializer, as remoting and Import-Clixml make them).
/// </summary>
public class BatchRecordReaderTests
{
    private static readonly DateTimeOffset s_start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An object of note properties, as Import-Csv and [pscustomobject] make them.</summary>
    internal static PSObject Row(params (string Name, object? Value)[] properties)
    {
        var row = new PSObject();
        foreach (var (name, value) in properties)
        {
            row.Properties.Add(new PSNoteProperty(name, value));
        }

        return row;
    }

    private static ResultFacts Read(object input)
    {
        Assert.True(BatchRecordReader.TryRead(input, out var result, out var summary));
        Assert.Null(summary);
        return result;
    }

    private static WebBatchResult Live() => new()
    {
        Uri = new Uri("https://api.example/items/1"),
        StatusCode = 503,
        ContentLength = 120,
        Attempts = 2,
        Elapsed = TimeSpan.FromMilliseconds(1234.5),
        StartTime = s_start,
        Error = new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus, "the server answered 503 Service Unavailable"),
    };

    // ---- results ----

    [Fact]
    public void A_csv_row_of_text_is_read_with_its_numbers_flags_and_times()
    {
        var facts = Read(Row(("StatusCode", " 200 "), ("ElapsedMs", "12.5"), ("Success", "True"), ("ContentLength", "1024"),
            ("Attempts", "1"), ("Skipped", "False"), ("StartTimeUtc", "2026-12-06 12:00:00"), ("BytesSent", "7")));

        Assert.Null(facts.ErrorId);
        Assert.Equal(200, facts.StatusCode);
        Assert.Equal(TimeSpan.FromTicks(125_000), facts.Elapsed);
        Assert.Equal(1024, facts.ContentLength);
        Assert.Equal(7, facts.BytesSent);
        Assert.True(facts.Sent);
        Assert.False(facts.Skipped);
        Assert.Equal(new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc), facts.StartUtc);
        Assert.Equal(DateTimeKind.Utc, facts.StartUtc!.Value.Kind);
    }

    [Fact]
    public void Numbers_are_read_whether_ints_longs_or_doubles()
    {
        var facts = Read(Row(("StatusCode", 404), ("ElapsedMs", 2.25), ("ErrorId", "HttpStatus"), ("ContentLength", 5_000_000_000L), ("Attempts", 3.0)));

        Assert.Equal(404, facts.StatusCode);
        Assert.Equal(TimeSpan.FromTicks(22_500), facts.Elapsed);
        Assert.Equal(5_000_000_000L, facts.ContentLength);
        Assert.Equal("HttpStatus", facts.ErrorId);
        Assert.True(facts.Sent);
    }

    [Fact]
    public void Absent_and_null_optional_fields_read_as_nothing()
    {
        var facts = Read(Row(("StatusCode", 200), ("ElapsedMs", 1.0), ("Success", true), ("ContentLength", null), ("Skipped", null), ("StartTimeUtc", null), ("QueueWaitMs", null)));

        Assert.Equal(0, facts.ContentLength);
        Assert.False(facts.Skipped);
        Assert.Null(facts.StartUtc);
        Assert.Null(facts.Phases.QueueWaitMs);
    }

    [Fact]
    public void Elapsed_as_a_TimeSpan_or_its_text_wins_over_ElapsedMs()
    {
        Assert.Equal(TimeSpan.FromSeconds(1.5), Read(Row(("StatusCode", 200), ("Elapsed", TimeSpan.FromSeconds(1.5)), ("ElapsedMs", 9.0), ("Success", true))).Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(1.5), Read(Row(("StatusCode", "200"), ("Elapsed", "00:00:01.5000000"), ("ElapsedMs", "9"), ("Success", "True"))).Elapsed);
    }

    [Fact]
    public void A_failure_without_an_ErrorId_is_Unknown()
    {
        Assert.Equal("Unknown", Read(Row(("StatusCode", "0"), ("ElapsedMs", "3"), ("Success", "False"))).ErrorId);
    }

    [Fact]
    public void The_ErrorId_is_taken_from_an_Error_written_as_text_or_held_as_an_object()
    {
        Assert.Equal("ConnectionRefused", Read(Row(("StatusCode", "0"), ("ElapsedMs", "3"), ("Error", "ConnectionRefused: the connection was refused"))).ErrorId);
        Assert.Equal("DnsResolutionFailed", Read(Row(("StatusCode", 0), ("ElapsedMs", 3.0), ("Error", Row(("ErrorId", "DnsResolutionFailed"), ("Message", "no such host"))))).ErrorId);
    }

    [Fact]
    public void An_empty_ErrorId_cell_is_a_success()
    {
        Assert.Null(Read(Row(("StatusCode", "200"), ("ElapsedMs", "3"), ("ErrorId", ""), ("Error", ""))).ErrorId);
    }

    [Fact]
    public void An_item_is_sent_when_it_made_attempts_or_without_Attempts_when_it_took_time()
    {
        Assert.False(Read(Row(("StatusCode", "0"), ("ElapsedMs", "3"), ("Success", "False"), ("Attempts", "0"))).Sent);
        Assert.True(Read(Row(("StatusCode", "200"), ("ElapsedMs", "3"), ("Success", "True"))).Sent);
        Assert.False(Read(Row(("StatusCode", "0"), ("ElapsedMs", "0"), ("Success", "False"))).Sent);
    }

    [Fact]
    public void Phase_timings_are_read_from_text_and_an_empty_cell_is_not_seen()
    {
        var phases = Read(Row(("StatusCode", "200"), ("ElapsedMs", "30"), ("Success", "True"), ("QueueWaitMs", "1.5"), ("ConnectMs", ""),
            ("TimeToFirstByteMs", 20.25), ("ConnectionReused", "true"), ("FinalUri", "https://cdn.example:8443/x"), ("Uri", "https://api.example/x"))).Phases;

        Assert.Equal(1.5, phases.QueueWaitMs);
        Assert.Null(phases.ConnectMs);
        Assert.Equal(20.25, phases.TimeToFirstByteMs);
        Assert.True(phases.ConnectionReused);
        Assert.Equal(HostKey.TryOf(new Uri("https://cdn.example:8443/x")), phases.Host);
    }

    [Theory]
    [InlineData("StatusCode")]
    [InlineData("ElapsedMs")]
    [InlineData("Success")]
    public void An_object_without_the_result_properties_is_not_a_result(string missing)
    {
        var properties = new (string, object?)[] { ("StatusCode", "200"), ("ElapsedMs", "3"), ("Success", "True") }.Where(p => p.Item1 != missing).ToArray();
        Assert.False(BatchRecordReader.TryRead(Row(properties), out _, out _));
    }

    [Fact]
    public void Null_and_unrelated_objects_are_neither_result_nor_summary()
    {
        Assert.False(BatchRecordReader.TryRead(null, out _, out _));
        Assert.False(BatchRecordReader.TryRead("https://api.example/", out _, out _));
        Assert.False(BatchRecordReader.TryRead(new Hashtable { ["Name"] = "x" }, out _, out _));
    }

    [Fact]
    public void A_live_result_is_read_directly_also_when_wrapped()
    {
        var facts = Read(PSObject.AsPSObject(Live()));

        Assert.Equal(ErrorIds.HttpStatus, facts.ErrorId);
        Assert.Equal(503, facts.StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(1234.5), facts.Elapsed);
        Assert.Equal(s_start.UtcDateTime, facts.StartUtc);
    }

    [Theory]
    [InlineData(1)] // Error arrives as its text, "HttpStatus: ..."
    [InlineData(2)] // the module's SerializationDepth: Error arrives as an object
    public void A_deserialized_result_reads_as_the_live_one(int depth)
    {
        var live = Read(Live());
        var deserialized = PSSerializer.Deserialize(PSSerializer.Serialize(Live(), depth));
        Assert.Contains("Deserialized.AsyncWeb.WebBatchResult", ((PSObject)deserialized).TypeNames);

        var facts = Read(deserialized);

        Assert.Equal(live.ErrorId, facts.ErrorId);
        Assert.Equal(live.StatusCode, facts.StatusCode);
        Assert.Equal(live.ContentLength, facts.ContentLength);
        Assert.Equal(live.Elapsed, facts.Elapsed);
        Assert.Equal(live.Sent, facts.Sent);
        Assert.Equal(live.StartUtc, facts.StartUtc);
    }

    [Fact]
    public void An_error_record_is_read_through_the_result_it_carries()
    {
        var record = new ErrorRecord(new InvalidOperationException("503"), ErrorIds.HttpStatus, ErrorCategory.InvalidResult, Live());
        Assert.Equal(503, Read(record).StatusCode);
    }

    [Fact]
    public void An_error_record_that_carries_a_summary_is_not_read()
    {
        var record = new ErrorRecord(new InvalidOperationException("x"), "x", ErrorCategory.InvalidResult, WebBatchSummary.From(new BatchTally()));
        Assert.False(BatchRecordReader.TryRead(record, out _, out _));
    }

    // ---- Export-Csv writes with ToString(), in the user's culture ----

    /// <summary>A day-first, comma-decimal culture (as de-DE), made from the invariant one: the tests run with invariant globalization.</summary>
    internal static CultureInfo DayFirstCommaDecimal()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.DateTimeFormat.DateSeparator = ".";
        culture.DateTimeFormat.ShortDatePattern = "dd.MM.yyyy";
        culture.DateTimeFormat.LongTimePattern = "HH:mm:ss";
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return culture;
    }

    internal static T InCulture<T>(CultureInfo culture, Func<T> read)
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return read();
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void A_start_time_written_in_a_day_first_culture_is_read_in_that_culture()
    {
        var culture = DayFirstCommaDecimal();
        var written = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc).ToString(culture);
        Assert.Equal("06.12.2026 12:00:00", written);

        var facts = InCulture(culture, () => Read(Row(("StatusCode", "200"), ("Elapsed", "00:00:00.0030000"), ("Success", "True"), ("StartTimeUtc", written))));

        Assert.Equal(new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc), facts.StartUtc);
    }

    [Fact]
    public void Phase_timings_written_in_a_comma_decimal_culture_are_read()
    {
        var culture = DayFirstCommaDecimal();
        var written = 1.5.ToString(culture);
        Assert.Equal("1,5", written);

        var facts = InCulture(culture, () => Read(Row(("StatusCode", "200"), ("Elapsed", "00:00:00.0030000"), ("Success", "True"), ("QueueWaitMs", written))));

        Assert.Equal(1.5, facts.Phases.QueueWaitMs);
    }

    [Fact]
    public void ElapsedMs_written_in_a_comma_decimal_culture_is_read()
    {
        var culture = DayFirstCommaDecimal();

        var read = InCulture(culture, () => BatchRecordReader.TryRead(Row(("StatusCode", "200"), ("ElapsedMs", 12.5.ToString(culture)), ("Success", "True")), out var facts, out _) ? facts.Elapsed : (TimeSpan?)null);

        Assert.Equal(TimeSpan.FromMilliseconds(12.5), read);
    }

    // ---- summaries ----

    private static WebBatchSummary LiveSummary()
    {
        var tally = new BatchTally();
        tally.Add(new ResultFacts(null, false, 200, 100, true, TimeSpan.FromMilliseconds(10), s_start.UtcDateTime));
        tally.Add(new ResultFacts(ErrorIds.HttpStatus, false, 503, 20, true, TimeSpan.FromMilliseconds(30), s_start.UtcDateTime.AddSeconds(1)));
        tally.Add(new ResultFacts(null, true, 304, 0, true, TimeSpan.FromMilliseconds(20), s_start.UtcDateTime.AddSeconds(2)));
        return WebBatchSummary.From(tally);
    }

    private static void SameFacts(SummaryFacts expected, SummaryFacts actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Succeeded, actual.Succeeded);
        Assert.Equal(expected.Skipped, actual.Skipped);
        Assert.Equal(expected.Bytes, actual.Bytes);
        Assert.Equal(expected.Failures.OrderBy(f => f.Key), actual.Failures.OrderBy(f => f.Key));
        Assert.Equal(expected.Statuses.OrderBy(s => s.Key), actual.Statuses.OrderBy(s => s.Key));
        Assert.Equal(expected.SamplesMs, actual.SamplesMs);
        Assert.Equal(expected.StartUtc, actual.StartUtc);
        Assert.Equal(expected.EndUtc, actual.EndUtc);
    }

    [Fact]
    public void A_live_summary_is_read_as_a_summary()
    {
        var live = LiveSummary();
        Assert.True(BatchRecordReader.TryRead(live, out _, out var summary));
        SameFacts(live.ToFacts(), summary!);
    }

    [Fact]
    public void A_deserialized_summary_reads_as_the_live_one()
    {
        var live = LiveSummary();
        var deserialized = PSSerializer.Deserialize(PSSerializer.Serialize(live, 2));
        Assert.Contains("Deserialized.AsyncWeb.Commands.WebBatchSummary", ((PSObject)deserialized).TypeNames);

        Assert.True(BatchRecordReader.TryRead(deserialized, out _, out var summary));
        SameFacts(live.ToFacts(), summary!);
    }

    [Fact]
    public void A_summary_of_loose_values_is_read_with_its_counts_and_samples()
    {
        var shape = Row(("Count", "3"), ("Succeeded", 2.0), ("Skipped", null), ("Bytes", "120"),
            ("LatencySamplesMs", new object[] { 10, 20.5, PSObject.AsPSObject(30.0) }),
            ("StatusCodes", new Hashtable { ["200"] = "2", [503] = 1 }),
            ("FailuresByErrorId", new Hashtable { ["HttpStatus"] = 1L }));

        Assert.True(BatchRecordReader.TryRead(shape, out _, out var summary));

        Assert.Equal(3, summary!.Count);
        Assert.Equal(2, summary.Succeeded);
        Assert.Equal(0, summary.Skipped);
        Assert.Equal(120, summary.Bytes);
        Assert.Equal(new[] { 10.0, 20.5, 30.0 }, summary.SamplesMs);
        Assert.Equal(2, summary.Statuses[200]);
        Assert.Equal(1, summary.Statuses[503]);
        Assert.Equal(1, summary.Failures["HttpStatus"]);
    }

    [Fact]
    public void Latency_samples_as_text_are_not_a_summary()
    {
        var shape = Row(("Count", "3"), ("Succeeded", "2"), ("LatencySamplesMs", "10 20 30"));
        Assert.False(BatchRecordReader.TryRead(shape, out _, out _));
    }
}
