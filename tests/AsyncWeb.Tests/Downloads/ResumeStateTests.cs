using System;
using System.IO;
using System.Net.Http.Headers;
using AsyncWeb.Downloads;
using Xunit;

namespace AsyncWeb.Tests.Downloads;

public class ResumeStateTests
{
    private static readonly ResumePoint s_partial = new(1000, "\"v1\"");

    [Theory]
    [InlineData("bytes 1000-4999/5000", true)]
    [InlineData("bytes 1000-4999/*", true)]
    [InlineData("bytes 0-4999/5000", false)]
    [InlineData("bytes 1000-1999/5000", false)]
    [InlineData("bytes 999-4999/5000", false)]
    public void A_206_continues_only_with_exactly_the_rest(string contentRange, bool continues) =>
        Assert.Equal(continues, ResumeState.ContinuesAt(ContentRangeHeaderValue.Parse(contentRange), 1000));

    [Theory]
    [InlineData(416, null, true)]
    [InlineData(206, "bytes 0-4999/5000", true)]
    [InlineData(206, "bytes 1000-4999/5000", false)]
    [InlineData(200, null, false)]
    [InlineData(503, null, false)]
    public void The_partial_file_is_started_over_only_when_the_server_cannot_continue_it(int status, string? contentRange, bool restart) =>
        Assert.Equal(restart, ResumeState.MustRestart(status, contentRange is null ? null : ContentRangeHeaderValue.Parse(contentRange), s_partial));

    [Fact]
    public void Only_a_206_from_the_partial_length_is_a_continuation()
    {
        Assert.True(ResumeState.Continues(206, ContentRangeHeaderValue.Parse("bytes 1000-4999/5000"), s_partial));
        Assert.False(ResumeState.Continues(200, null, s_partial));
        Assert.False(ResumeState.Continues(206, ContentRangeHeaderValue.Parse("bytes 1000-4999/5000"), null));
    }

    [Fact]
    public void The_validator_is_a_strong_ETag_else_Last_Modified()
    {
        var modified = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal("\"abc\"", ResumeState.ValidatorOf(new EntityTagHeaderValue("\"abc\""), modified));
        Assert.Equal("Wed, 01 Jan 2025 00:00:00 GMT", ResumeState.ValidatorOf(new EntityTagHeaderValue("\"abc\"", isWeak: true), modified));
        Assert.Null(ResumeState.ValidatorOf(null, null));
    }

    [Fact]
    public void Read_finds_a_partial_file_with_its_validator_and_nothing_without_one()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "asyncweb-resume-" + Guid.NewGuid().ToString("N")));
        try
        {
            var target = Path.Combine(dir.FullName, "data.bin");
            File.WriteAllBytes(AtomicFileWriter.PartialPathFor(target), new byte[1234]);
            Assert.Null(ResumeState.Read(target));

            File.WriteAllText(AtomicFileWriter.ValidatorPathFor(target), "\"v1\"\n");
            Assert.Equal(new ResumePoint(1234, "\"v1\""), ResumeState.Read(target));

            ResumeState.Discard(target);
            Assert.Empty(dir.GetFiles());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
