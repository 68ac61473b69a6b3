using System;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Binding;
using AsyncWeb.Commands;
using AsyncWeb.Summary;
using Xunit;

namespace AsyncWeb.Tests.Binding;

/// <summary>Measure-AsyncWebBatch's reading of per-host limits from results and summaries in the shapes they travel.</summary>
public class HostLimitReaderTests
{
    private static readonly DateTime s_start = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    private static PSObject Row(params (string Name, object? Value)[] properties) => BatchRecordReaderTests.Row(properties);

    private static (string Host, int Limit, DateTime AtUtc)[] Read(params object?[] inputs)
    {
        var tally = new HostLimitTally();
        foreach (var input in inputs)
        {
            HostLimitReader.AddTo(tally, input);
        }

        return tally.Final().ToArray();
    }

    private static WebBatchResult Live(string uri, int? limit, int second) => new()
    {
        Uri = new Uri(uri),
        HostLimit = limit,
        StartTime = new DateTimeOffset(s_start.AddSeconds(second)),
        Elapsed = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public void A_live_result_gives_its_hosts_limit_at_its_end()
    {
        Assert.Equal(new[] { ("api.example:8443", 6, s_start.AddSeconds(1.5)) }, Read(Live("https://api.example:8443/a", 6, 1)));
    }

    [Fact]
    public void A_result_without_a_host_limit_gives_nothing()
    {
        Assert.Empty(Read(Live("https://api.example/a", null, 1)));
    }

    [Fact]
    public void Of_several_results_the_latest_per_host_wins_whatever_the_order()
    {
        Assert.Equal(new[] { ("api.example", 3, s_start.AddSeconds(5.5)) },
            Read(Live("https://api.example/b", 3, 5), Live("https://api.example/a", 8, 1)));
    }

    [Fact]
    public void A_csv_row_of_text_gives_the_limit_at_start_plus_ElapsedMs()
    {
        var row = Row(("Uri", "https://api.example/a"), ("HostLimit", "4"), ("StartTimeUtc", "2026-12-06 12:00:00"), ("ElapsedMs", "1500"));
        Assert.Equal(new[] { ("api.example", 4, s_start.AddSeconds(1.5)) }, Read(row));
    }

    [Fact]
    public void Numbers_are_read_whether_ints_or_doubles_and_a_deserialized_Elapsed_wins()
    {
        var row = Row(("Uri", new Uri("https://api.example/a")), ("HostLimit", 4.0), ("StartTimeUtc", s_start), ("Elapsed", TimeSpan.FromSeconds(2)), ("ElapsedMs", 9));
        Assert.Equal(new[] { ("api.example", 4, s_start.AddSeconds(2)) }, Read(row));
    }

    [Fact]
    public void A_start_time_written_in_a_day_first_culture_is_read_in_that_culture()
    {
        var culture = BatchRecordReaderTests.DayFirstCommaDecimal();
        var row = Row(("Uri", "https://api.example/a"), ("HostLimit", "4"), ("StartTimeUtc", s_start.ToString(culture)), ("ElapsedMs", "1500"));

        var read = BatchRecordReaderTests.InCulture(culture, () => Read(row));

        Assert.Equal(new[] { ("api.example", 4, s_start.AddSeconds(1.5)) }, read);
    }

    [Theory]
    [InlineData("HostLimit", "")]
    [InlineData("HostLimit", null)]
    [InlineData("Uri", "")]
    [InlineData("Uri", "not a uri")]
    [InlineData("StartTimeUtc", "")]
    public void A_row_missing_a_readable_limit_uri_or_start_gives_nothing(string name, string? value)
    {
        var properties = new (string Name, object? Value)[] { ("Uri", "https://api.example/a"), ("HostLimit", "4"), ("StartTimeUtc", "2026-12-06 12:00:00") }
            .Select(p => p.Name == name ? (p.Name, (object?)value) : p).ToArray();
        Assert.Empty(Read(Row(properties)));
    }

    [Fact]
    public void A_summarys_host_limits_live_or_deserialized_are_merged()
    {
        var summary = new WebBatchSummary { HostLimits = new[] { new WebBatchHostLimit("api.example", 5, s_start), new WebBatchHostLimit("cdn.example", 12, s_start) } };
        var expected = new[] { ("api.example", 5, s_start), ("cdn.example", 12, s_start) };

        Assert.Equal(expected, Read(summary));
        Assert.Equal(expected, Read(PSSerializer.Deserialize(PSSerializer.Serialize(summary, 2))));
    }

    [Fact]
    public void An_error_record_gives_the_limit_of_the_result_it_carries()
    {
        var record = new ErrorRecord(new InvalidOperationException("x"), "HttpStatus", ErrorCategory.InvalidResult, Live("https://api.example/a", 2, 0));
        Assert.Equal(new[] { ("api.example", 2, s_start.AddSeconds(0.5)) }, Read(record));
    }
}
