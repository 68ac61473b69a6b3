using System;
using System.IO;
using AsyncWeb.Downloads;
using Xunit;

namespace AsyncWeb.Tests.Downloads;

public sealed class ValidatorStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "asyncweb-validators-" + Guid.NewGuid().ToString("N")));
    private readonly Uri _uri = new("https://files.example/a/report.csv?sig=secret");

    public void Dispose() => _dir.Delete(recursive: true);

    private string File(string name, int length)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllBytes(path, new byte[length]);
        return path;
    }

    [Fact]
    public void A_record_survives_the_round_trip_and_names_no_URL()
    {
        var path = File("report.csv", 10);
        var record = ValidatorRecord.Of(path, "W/\"v1\"", "Wed, 01 Jan 2025 00:01:00 GMT", "ABC");

        ValidatorStore.Save(_dir.FullName, _uri, null, record);

        Assert.Equal(record, ValidatorStore.Read(_dir.FullName, _uri, null));
        var stored = System.IO.File.ReadAllText(ValidatorStore.PathFor(_dir.FullName, _uri, null));
        Assert.DoesNotContain("secret", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("files.example", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_are_kept_per_URL_and_for_OutFile_per_file_name_too()
    {
        var record = ValidatorRecord.Of(File("report.csv", 10), "\"v1\"", null, null);
        ValidatorStore.Save(_dir.FullName, _uri, "report.csv", record);

        Assert.Equal(record, ValidatorStore.Read(_dir.FullName, _uri, "report.csv"));
        Assert.Null(ValidatorStore.Read(_dir.FullName, _uri, "other.csv"));
        Assert.Null(ValidatorStore.Read(_dir.FullName, _uri, null));
        Assert.Null(ValidatorStore.Read(_dir.FullName, new Uri("https://files.example/a/report.csv?sig=other"), "report.csv"));
        Assert.Equal(ValidatorStore.PathFor(_dir.FullName, new Uri("https://files.example/a/report.csv?sig=secret#part"), "x"), ValidatorStore.PathFor(_dir.FullName, _uri, "x"));
    }

    [Fact]
    public void A_record_describes_its_file_only_while_length_and_last_write_time_are_unchanged()
    {
        var path = File("data.bin", 100);
        var record = ValidatorRecord.Of(path, "\"v1\"", null, null);
        Assert.True(record.Describes(path));

        System.IO.File.SetLastWriteTimeUtc(path, System.IO.File.GetLastWriteTimeUtc(path).AddSeconds(-5));
        Assert.False(record.Describes(path));

        record = ValidatorRecord.Of(path, "\"v1\"", null, null);
        System.IO.File.AppendAllText(path, "x");
        System.IO.File.SetLastWriteTimeUtc(path, new DateTime(record.LastWriteTicksUtc, DateTimeKind.Utc));
        Assert.False(record.Describes(path));

        System.IO.File.Delete(path);
        Assert.False(record.Describes(path));
    }

    [Fact]
    public void Saving_replaces_the_record_whole_and_leaves_no_temporary_file()
    {
        var path = File("data.bin", 5);
        ValidatorStore.Save(_dir.FullName, _uri, null, ValidatorRecord.Of(path, "\"v1\"", null, null));
        ValidatorStore.Save(_dir.FullName, _uri, null, ValidatorRecord.Of(path, "\"v2\"", null, null));

        Assert.Equal("\"v2\"", ValidatorStore.Read(_dir.FullName, _uri, null)!.ETag);
        Assert.Single(Directory.GetFiles(Path.Combine(_dir.FullName, ValidatorStore.FolderName)));
    }

    [Fact]
    public void Forget_removes_the_record()
    {
        ValidatorStore.Save(_dir.FullName, _uri, null, ValidatorRecord.Of(File("d", 1), "\"v1\"", null, null));
        ValidatorStore.Forget(_dir.FullName, _uri, null);
        Assert.Null(ValidatorStore.Read(_dir.FullName, _uri, null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("asyncweb-validator 2\nfile: a\nlength: 1\nmtime: 1\netag: \"x\"\n")]
    [InlineData("asyncweb-validator 1\nfile: a\nlength: 1\netag: \"x\"\n")]
    [InlineData("asyncweb-validator 1\nfile: a\nlength: one\nmtime: 1\netag: \"x\"\n")]
    [InlineData("asyncweb-validator 1\nfile: a\nlength: 1\nmtime: 1\n")]
    [InlineData("asyncweb-validator 1\nfile: a\nlength: 1\nmti")]
    public void Anything_but_a_complete_record_reads_as_none(string? text) =>
        Assert.Null(ValidatorRecord.Parse(text));

    [Fact]
    public void A_file_name_with_a_line_break_cannot_break_the_record()
    {
        var record = new ValidatorRecord("two\nlines: yes.bin", 3, 4, "\"e\"", null, "AB");
        Assert.Equal(record, ValidatorRecord.Parse(record.Serialize()));
    }
}
