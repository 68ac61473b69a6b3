using System;
using System.IO;
using System.Net.Http.Headers;
using AsyncWeb.Downloads;
using Xunit;

namespace AsyncWeb.Tests.Downloads;

public class DownloadTargetTests
{
    [Theory]
    [InlineData("attachment; filename=\"report.pdf\"", "https://example.com/x/y", "report.pdf")]
    [InlineData("attachment; filename=\"plain.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", "https://example.com/x", "résumé.txt")]
    [InlineData("attachment; filename=\"../../etc/passwd\"", "https://example.com/x", "passwd")]
    [InlineData(null, "https://example.com/files/data%20set.csv?x=1", "data set.csv")]
    public void The_name_comes_from_Content_Disposition_else_the_URL(string? disposition, string uri, string expected) =>
        Assert.Equal(expected, DownloadTargets.NameFor(new Uri(uri), disposition is null ? null : ContentDispositionHeaderValue.Parse(disposition)));

    [Fact]
    public void Without_either_the_name_is_derived_from_the_host() =>
        Assert.StartsWith("example.com-", DownloadTargets.NameFor(new Uri("https://example.com/"), null), StringComparison.Ordinal);

    [Fact]
    public void An_existing_file_is_skipped_failed_or_overwritten_as_asked()
    {
        var path = Path.GetTempFileName();
        try
        {
            Assert.True(new DownloadTargets(new FileClaims(), ExistingFileAction.Skip).ForFile(path).Skip);
            Assert.Equal(ErrorIds.FileExists, new DownloadTargets(new FileClaims(), ExistingFileAction.Fail).ForFile(path).Failure!.ErrorId);
            Assert.True(new DownloadTargets(new FileClaims(), ExistingFileAction.Overwrite).ForFile(path).Writes);
            Assert.True(new DownloadTargets(new FileClaims(), ExistingFileAction.Fail).ForFile(path + ".absent").Writes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Two_items_naming_one_file_in_a_directory_fail_the_later_with_DuplicateOutFile()
    {
        var targets = new DownloadTargets(new FileClaims(), ExistingFileAction.Fail);
        var dir = Path.Combine(Path.GetTempPath(), "asyncweb-absent-" + Guid.NewGuid().ToString("N"));
        var disposition = ContentDispositionHeaderValue.Parse("attachment; filename=\"same.bin\"");
        Assert.True(targets.ForDirectory(dir, new Uri("https://example.com/1"), disposition, 0).Writes);
        var second = targets.ForDirectory(dir, new Uri("https://example.com/2"), disposition, 1);
        Assert.Equal(ErrorIds.DuplicateOutFile, second.Failure!.ErrorId);
        Assert.Contains("item 0", second.Failure.Message, StringComparison.Ordinal);
    }
}
