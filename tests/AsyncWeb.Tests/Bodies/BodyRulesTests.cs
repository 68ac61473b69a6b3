using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using Xunit;

namespace AsyncWeb.Tests.Bodies;

public class ResponseBodyRulesTests
{
    [Theory]
    [InlineData("GET", 200, true)]
    [InlineData("GET", 302, true)]
    [InlineData("GET", 404, true)]
    [InlineData("HEAD", 200, false)]
    [InlineData("GET", 101, false)]
    [InlineData("GET", 204, false)]
    [InlineData("GET", 205, false)]
    [InlineData("GET", 304, false)]
    public void HEAD_1xx_204_205_and_304_have_no_body(string method, int status, bool hasBody) =>
        Assert.Equal(hasBody, ResponseBodyReader.HasBody(method, status));

    [Fact]
    public async Task A_body_that_ends_before_its_Content_Length_is_ResponseTruncated()
    {
        using var response = Response(new byte[1000], declared: 5000);
        using var body = await ResponseBodyStream.OpenAsync(response, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ResponseTruncatedException>(() => body.CopyToAsync(Stream.Null));
        Assert.Contains("1,000 of the 5,000", error.Message, StringComparison.Ordinal);
        Assert.Equal(1000, body.Received);
    }

    [Fact]
    public async Task A_body_of_its_declared_length_or_without_one_reads_to_the_end()
    {
        foreach (var declared in new long?[] { 1000, null })
        {
            using var response = Response(new byte[1000], declared);
            using var body = await ResponseBodyStream.OpenAsync(response, CancellationToken.None);
            await body.CopyToAsync(Stream.Null);
            Assert.Equal(1000, body.Received);
        }
    }

    [Fact]
    public async Task Cancellation_ends_a_read_that_ignores_the_token_and_reads_as_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new DeafStream()) };
        using var body = await ResponseBodyStream.OpenAsync(response, cancel.Token);

        var read = body.ReadAsync(new byte[10], 0, 10, cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static HttpResponseMessage Response(byte[] bytes, long? declared)
    {
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentLength = declared;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>A stream whose reads ignore their token and end only when it is disposed, as .NET Framework's do.</summary>
    private sealed class DeafStream : Stream
    {
        private readonly TaskCompletionSource<int> _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _disposed.Task;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(_disposed.Task);

        public override int Read(byte[] buffer, int offset, int count) => _disposed.Task.GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetException(new ObjectDisposedException(nameof(DeafStream)));
            base.Dispose(disposing);
        }
    }
}

public class ContentCodingTests
{
    private static readonly byte[] s_text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("exact bytes, decoded once. ", 200)));

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("deflate")]
    [InlineData("deflate-raw")]
    [InlineData("br")]
    [InlineData("identity")]
    public void Each_offered_coding_is_undone(string coding) =>
        Assert.Equal(s_text, Decode(Encode(s_text, coding), coding == "deflate-raw" ? "deflate" : coding));

    [Fact]
    public void Codings_are_undone_last_applied_first() =>
        Assert.Equal(s_text, Decode(Encode(Encode(s_text, "gzip"), "br"), "gzip, br"));

    [Fact]
    public void An_unknown_coding_leaves_the_body_as_received()
    {
        var packed = Encode(s_text, "gzip");
        Assert.Equal(packed, Decode(packed, "zstd"));
    }

    [Fact]
    public void Five_codings_are_undone_and_identity_does_not_count()
    {
        var packed = s_text;
        for (var i = 0; i < ContentEncodingDecoder.MaximumCodings; i++)
        {
            packed = Encode(packed, "gzip");
        }

        Assert.Equal(s_text, Decode(packed, "identity, gzip, gzip, identity, gzip, gzip, gzip, identity"));
    }

    [Fact]
    public void More_than_five_codings_are_refused_without_reading_the_whole_list()
    {
        Assert.Null(ContentEncodingDecoder.Parse(new[] { "gzip, gzip, gzip", "gzip, gzip", "gzip" }));
        Assert.Null(ContentEncodingDecoder.Parse(new[] { string.Join(",", Enumerable.Repeat("gzip", 50_000)) }));
        Assert.Equal(new[] { "gzip", "br" }, ContentEncodingDecoder.Parse(new[] { " identity ,gzip,, br", "identity" }));
    }

    [Fact]
    public void Only_decodable_codings_are_offered() =>
        Assert.Equal("gzip, deflate, br", ContentEncodingDecoder.Offered);

    private static byte[] Decode(byte[] bytes, string contentEncoding)
    {
        using var decoded = ContentEncodingDecoder.Decode(new MemoryStream(bytes), ContentEncodingDecoder.Parse(new[] { contentEncoding })!);
        using var output = new MemoryStream();
        decoded.CopyToAsync(output).GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static byte[] Encode(byte[] bytes, string coding)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate-raw" => new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => new NonClosing(output),
        })
        {
            encoder.Write(bytes);
        }

        return output.ToArray();
    }

    private sealed class NonClosing : MemoryStream
    {
        private readonly Stream _target;

        public NonClosing(Stream target) => _target = target;

        protected override void Dispose(bool disposing)
        {
            _target.Write(ToArray());
            base.Dispose(disposing);
        }
    }
}
