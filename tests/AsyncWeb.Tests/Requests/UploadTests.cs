using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Requests;
using AsyncWeb.Sending;
using AsyncWeb.Timeouts;
using Xunit;

namespace AsyncWeb.Tests.Requests;

public class UploadTests
{
    [Theory]
    [InlineData("report.csv", "text/csv")]
    [InlineData("LOGO.PNG", "image/png")]
    [InlineData("backup.tar.gz", "application/gzip")]
    [InlineData("notes", "application/octet-stream")]
    [InlineData("firmware.xyz", "application/octet-stream")]
    public void A_file_part_gets_its_content_type_from_the_extension(string fileName, string expected) =>
        Assert.Equal(expected, MediaTypes.FromFileName(fileName));

    [Fact]
    public void A_file_that_is_gone_when_the_request_is_made_is_InvalidInFile_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".bin");
        var error = Assert.Throws<InvalidInputException>(() => new FileUpload(missing, null).CreateContent());
        Assert.Equal(ErrorIds.InvalidInFile, error.ErrorId);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\"b", null)]
    [InlineData("line\r\nX-Injected: 1", null)]
    [InlineData(" ", null)]
    [InlineData("note", "not a type")]
    public void A_form_field_the_multipart_writer_would_refuse_is_InvalidBody_when_bound(string name, string? contentType) =>
        Assert.Equal(ErrorIds.InvalidBody, Assert.Throws<InvalidInputException>(() => FormPart.Text(name, "x", contentType)).ErrorId);

    [Fact]
    public void A_form_file_name_with_a_quote_is_InvalidBody_and_a_quoted_or_non_ascii_name_passes()
    {
        Assert.Equal(ErrorIds.InvalidBody, Assert.Throws<InvalidInputException>(() => FormPart.File("file", "/tmp/x.txt", "a\"b.txt")).ErrorId);
        using var content = new FormUpload(new[] { FormPart.Text("\"quoted\"", "x"), FormPart.Text("größe", "x") }).CreateContent();
        Assert.NotNull(content);
    }

    [Fact]
    public void A_directory_is_not_a_file_to_upload()
    {
        var error = Assert.Throws<InvalidInputException>(() => RequestUpload.CheckFile(Path.GetTempPath(), "the InFile"));
        Assert.Equal(ErrorIds.InvalidInFile, error.ErrorId);
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_gets_a_fresh_stream_of_the_file_from_its_first_byte()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[] { 1, 2, 3 });
            var upload = new FileUpload(path, "application/octet-stream");
            using var first = upload.CreateContent();
            using var second = upload.CreateContent();
            Assert.Equal(new byte[] { 1, 2, 3 }, await first.ReadAsByteArrayAsync());
            Assert.Equal(new byte[] { 1, 2, 3 }, await second.ReadAsByteArrayAsync());
            Assert.Equal(3, second.Headers.ContentLength);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Sending_the_body_keeps_the_silence_deadline_from_firing_and_counts_every_byte()
    {
        // Silence allowed: 1 s. The body takes about 2 s to send, 256 KiB (one write) every 100 ms: never silent for long.
        var options = new BatchOptions { OperationTimeout = TimeSpan.FromSeconds(1) };
        using var deadline = AttemptDeadline.Start(CancellationToken.None, options);
        var sent = new TransferCounter();
        using var content = new MeteredContent(new ByteArrayContent(new byte[5 * 1024 * 1024]), deadline, sent);
        var target = new SlowStream(TimeSpan.FromMilliseconds(100));

        await content.CopyToAsync(target);

        Assert.False(deadline.Token.IsCancellationRequested);
        Assert.Equal(5 * 1024 * 1024, deadline.BytesSent);
        Assert.Equal(5 * 1024 * 1024, sent.Value);
        Assert.Equal(20, target.Writes);
        Assert.Equal(5 * 1024 * 1024, content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_body_that_stops_moving_lets_the_silence_deadline_fire()
    {
        var options = new BatchOptions { OperationTimeout = TimeSpan.FromMilliseconds(200) };
        using var deadline = AttemptDeadline.Start(CancellationToken.None, options);
        using var content = new MeteredContent(new ByteArrayContent(new byte[128 * 1024]), deadline, new TransferCounter());

        await content.CopyToAsync(new SlowStream(TimeSpan.FromMilliseconds(600)));

        // The timer's callback runs on the thread pool: wait for it, with a deadline.
        Assert.True(SpinWait.SpinUntil(() => deadline.Token.IsCancellationRequested, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimerFired.Operation, deadline.Fired());
    }

    /// <summary>
    /// A request stream that takes its time over every write, as a slow link does. It blocks the writing thread
    /// rather than awaiting a timer, so the pace of the writes does not depend on a busy thread pool.
    /// </summary>
    private sealed class SlowStream : Stream
    {
        private readonly TimeSpan _perWrite;

        public SlowStream(TimeSpan perWrite) => _perWrite = perWrite;

        public int Writes { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Thread.Sleep(_perWrite);
            Writes++;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
