using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncWeb.Requests;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public class FileContentTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(256 * 1024)]
    [InlineData(3 * 256 * 1024 + 17)]
    public async Task Sends_every_byte_of_the_file_in_order_with_its_length(int size)
    {
        var path = WriteFile(size, out var expected);
        try
        {
            using var content = new FileContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1));
            Assert.Equal(size, content.Headers.ContentLength);
            var sent = new MemoryStream();
            await content.CopyToAsync(sent);
            Assert.Equal(expected, sent.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Sent_twice_it_starts_from_the_first_byte_each_time()
    {
        var path = WriteFile(300 * 1024, out var expected);
        try
        {
            using var content = new FileContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1));
            var first = new MemoryStream();
            await content.CopyToAsync(first);
            var second = new MemoryStream();
            await content.CopyToAsync(second);
            Assert.Equal(expected, first.ToArray());
            Assert.Equal(expected, second.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_failing_network_write_surfaces_as_itself()
    {
        var path = WriteFile(1024 * 1024, out _);
        try
        {
            using var content = new FileContent(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1));
            // HttpContent wraps an I/O failure of the copy as HttpClient reports it.
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => content.CopyToAsync(new FailingStream()));
            Assert.Equal("the connection was reset", Assert.IsType<IOException>(error.InnerException).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteFile(int size, out byte[] bytes)
    {
        bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".bin");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("the connection was reset");

        public override Task WriteAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
            Task.FromException(new IOException("the connection was reset"));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, System.Threading.CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("the connection was reset"));
    }
}
