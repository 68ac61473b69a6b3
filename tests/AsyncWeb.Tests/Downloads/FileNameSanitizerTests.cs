using System;
using System.IO;
using AsyncWeb.Downloads;
using Xunit;

namespace AsyncWeb.Tests.Downloads;

public class FileNameSanitizerTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\boot.ini", "boot.ini")]
    [InlineData("CON.txt", "_CON.txt")]
    [InlineData("a:b*c?.txt", "a_b_c_.txt")]
    [InlineData("  .hidden. ", "hidden")]
    [InlineData("evil\u202Etxt.exe", "evil_txt.exe")]
    public void Sanitize_keeps_one_safe_segment(string given, string expected) =>
        Assert.Equal(expected, FileNameSanitizer.Sanitize(given));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("...")]
    [InlineData("dir/")]
    public void Sanitize_returns_null_when_nothing_usable_is_left(string? given) =>
        Assert.Null(FileNameSanitizer.Sanitize(given));

    [Fact]
    public void Sanitize_bounds_the_name_in_utf8_bytes_and_keeps_the_extension()
    {
        var name = new string('\u00e9', 300) + ".tar";
        var clean = FileNameSanitizer.Sanitize(name)!;
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(clean) <= 200);
        Assert.EndsWith(".tar", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void Derive_is_stable_and_names_the_host()
    {
        var uri = new Uri("https://example.com/");
        Assert.Equal(FileNameSanitizer.Derive(uri), FileNameSanitizer.Derive(uri));
        Assert.StartsWith("example.com-", FileNameSanitizer.Derive(uri), StringComparison.Ordinal);
    }

    [Fact]
    public void CombineInside_refuses_a_name_that_leaves_the_directory()
    {
        var root = Path.GetTempPath();
        Assert.Throws<InvalidOperationException>(() => FileNameSanitizer.CombineInside(root, ".."));
        Assert.StartsWith(Path.GetFullPath(root), FileNameSanitizer.CombineInside(root, "x.bin"), StringComparison.Ordinal);
    }
}
