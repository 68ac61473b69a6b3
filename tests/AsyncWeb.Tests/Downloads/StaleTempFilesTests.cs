using System;
using System.IO;
using AsyncWeb.Downloads;
using Xunit;

namespace AsyncWeb.Tests.Downloads;

public class StaleTempFilesTests
{
    [Theory]
    [InlineData(".data.bin.4242.0123abcd.asyncweb-tmp", true, 4242)]
    [InlineData(".a.b.c.17.deadbeef.asyncweb-tmp", true, 17)]
    [InlineData(".data.bin.0123abcd.asyncweb-tmp", false, 0)]
    [InlineData("data.bin.4242.0123abcd.asyncweb-tmp", false, 0)]
    [InlineData(".data.bin.4242.0123abcd.asyncweb-partial", false, 0)]
    [InlineData(".data.bin.x42.0123abcd.asyncweb-tmp", false, 0)]
    public void Only_names_of_its_own_making_tell_their_process(string name, bool ours, int processId)
    {
        Assert.Equal(ours, AtomicFileWriter.TryParseTempOwner(name, out var owner));
        Assert.Equal(processId, owner);
    }

    [Fact]
    public void A_sweep_removes_the_temporary_file_of_a_gone_process_and_keeps_the_rest()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "asyncweb-stale-" + Guid.NewGuid().ToString("N")));
        try
        {
            // Process ids are below 2^22 on Linux and far below int.MaxValue everywhere: this one is gone.
            var gone = Touch(dir, $".data.bin.{int.MaxValue - 1}.0123abcd.asyncweb-tmp");
            var mine = Touch(dir, $".data.bin.{Environment.ProcessId}.0123abcd.asyncweb-tmp");
            var partial = Touch(dir, "data.bin.asyncweb-partial");
            var foreign = Touch(dir, ".data.bin.123.asyncweb-tmp");

            StaleTempFiles.Sweep(dir.FullName);

            Assert.False(File.Exists(gone));
            Assert.True(File.Exists(mine));
            Assert.True(File.Exists(partial));
            Assert.True(File.Exists(foreign));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_file_held_open_is_kept_even_when_its_process_looks_gone()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "asyncweb-stale-" + Guid.NewGuid().ToString("N")));
        try
        {
            var held = Touch(dir, $".data.bin.{int.MaxValue - 1}.0123abcd.asyncweb-tmp");
            using (new FileStream(held, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                StaleTempFiles.Sweep(dir.FullName);
            }

            Assert.True(File.Exists(held));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Touch(DirectoryInfo dir, string name)
    {
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, "x");
        return path;
    }
}
