using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Downloads;
using AsyncWeb.Sending;
using Xunit;

namespace AsyncWeb.Tests.Sending;

/// <summary>
/// The result's headers as a view over a real response (SocketsHttpHandler against a loopback socket that answers
/// with the bytes each test gives, so the headers are stored as the runtime stores a server's).
/// </summary>
public class ResponseHeaderViewTests
{
    private const string Ordinary =
        "HTTP/1.1 200 OK\r\n" +
        "Server: test\r\n" +
        "Date: Mon, 07 Dec 2026 02:00:00 GMT\r\n" +
        "ETag: \"abc\"\r\n" +
        "Set-Cookie: a=1\r\n" +
        "Set-Cookie: b=2\r\n" +
        "X-Custom: one\r\n" +
        "Link: <http://x/?page=2>; rel=\"next\"\r\n" +
        "Content-Type: text/plain;charset=UTF-8\r\n" +
        "Content-Encoding: identity,identity\r\n" +
        "Last-Modified: Sun, 06 Dec 2026 00:00:00 GMT\r\n" +
        "Content-Length: 2\r\n" +
        "Connection: close\r\n" +
        "\r\n" +
        "ok";

    // Values no parser accepts, and a byte beyond ASCII: still headers the server sent, shown as sent.
    private const string Hostile =
        "HTTP/1.1 200 OK\r\n" +
        "Date: soon\r\n" +
        "ETag: unquoted\r\n" +
        "Retry-After: later\r\n" +
        "Cache-Control: ,,=\r\n" +
        "X-Latin: caf\u00e9\r\n" +
        "Content-Type: ;;;\r\n" +
        "Content-Type: text/html\r\n" +
        "Last-Modified: never\r\n" +
        "Expires: 0\r\n" +
        "Content-Range: everything\r\n" +
        "Content-Length: 2\r\n" +
        "Connection: close\r\n" +
        "\r\n" +
        "ok";

    [Fact]
    public async Task Counts_exactly_the_bytes_the_copy_it_replaces_counted()
    {
        using var exchange = await Exchange.RunAsync(Ordinary);
        var copy = CopyAsBefore(exchange.Response);
        var view = (ResponseHeaderView)ResponseHeaders.Collect(exchange.Response);

        Assert.Equal(ResponseHeaders.SizeOf(copy), ResponseHeaders.SizeOf(view));
        Assert.Equal(copy.Count, view.Count);
        Assert.Equal(copy.Select(Flat), view.Table.Select(Flat)); // same names, values and order
        Assert.Equal(ResponseHeaders.SizeOf(copy), ResponseHeaders.SizeOf(view.Table));
    }

    [Fact]
    public async Task Shows_the_content_headers_as_they_arrived_after_the_engine_parses_them()
    {
        using var exchange = await Exchange.RunAsync(Ordinary);
        var view = (ResponseHeaderView)ResponseHeaders.Collect(exchange.Response);

        // What the body reader and the outcome read after the headers were counted.
        _ = exchange.Response.Content.Headers.ContentType;
        _ = exchange.Response.Content.Headers.ContentLength;
        _ = exchange.Response.Content.Headers.ContentEncoding;
        _ = await exchange.Response.Content.ReadAsStringAsync();

        Assert.Equal(new[] { "text/plain;charset=UTF-8" }, view["Content-Type"]);
        Assert.Equal(new[] { "identity,identity" }, view["Content-Encoding"]);
        Assert.Equal(new[] { "2" }, view["content-length"]);
        Assert.Equal(new[] { "a=1", "b=2" }, view["Set-Cookie"]);
    }

    [Fact]
    public async Task Shows_the_resume_validators_as_sent_after_a_download_decides_on_them()
    {
        const string ranged =
            "HTTP/1.1 200 OK\r\n" +
            "ETag: \"abc\"\r\n" +
            "Accept-Ranges: bytes,none\r\n" +
            "Content-Length: 2\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "ok";
        using var exchange = await Exchange.RunAsync(ranged);
        var view = (ResponseHeaderView)ResponseHeaders.Collect(exchange.Response);

        // -Resume reads the validator and the range units once the body is written, after the view was made.
        Assert.True(ResumeState.CanContinue(exchange.Response, new ResumePoint(1, "\"abc\"")));

        Assert.Equal(new[] { "bytes,none" }, view.Table["Accept-Ranges"]);
        Assert.Equal(new[] { "\"abc\"" }, view.Table["ETag"]);
    }

    [Fact]
    public async Task Reads_hostile_headers_as_sent_without_throwing()
    {
        using var exchange = await Exchange.RunAsync(Hostile);
        var view = (ResponseHeaderView)ResponseHeaders.Collect(exchange.Response);
        _ = exchange.Response.Content.Headers.ContentType;
        _ = exchange.Response.Content.Headers.LastModified;
        _ = exchange.Response.Headers.ETag;

        var table = view.Table;
        Assert.Equal(new[] { ";;;", "text/html" }, table["Content-Type"]);
        Assert.Equal(new[] { "never" }, table["Last-Modified"]);
        Assert.Equal(new[] { "unquoted" }, table["ETag"]);
        Assert.Equal(new[] { "later" }, table["Retry-After"]);
        Assert.Equal(new[] { ",,=" }, table["Cache-Control"]);
        Assert.Equal(new[] { "soon" }, table["Date"]);
        Assert.Single(table["X-Latin"]);
        Assert.Equal(ResponseHeaders.SizeOf(CopyAsBefore(exchange.Response)), view.Bytes);
    }

    [Fact]
    public async Task Answers_a_missing_header_without_building_the_table()
    {
        using var exchange = await Exchange.RunAsync(Ordinary);
        var warm = new ResponseHeaderView(exchange.Response); // another view, so that nothing is compiled below
        Assert.False(warm.TryGetValue("X-RateLimit-Remaining", out _) || warm.ContainsKey("X-RateLimit-Reset"));
        var view = new ResponseHeaderView(exchange.Response);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = view.TryGetValue("RateLimit", out _) || view.ContainsKey("X-RateLimit-Reset") || view.TryGetValue("RateLimit-Remaining", out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(found);

        Assert.True(view.TryGetValue("x-custom", out var custom)); // case-insensitive, as the copy was
        Assert.Equal(new[] { "one" }, custom);
        Assert.True(view.ContainsKey("LAST-MODIFIED"));
        Assert.Equal(view.Count, view.Table.Count);
    }

    [Fact]
    public async Task Finds_each_header_it_holds_by_any_case_of_its_name_and_no_other()
    {
        using var exchange = await Exchange.RunAsync(Ordinary);
        var names = CopyAsBefore(exchange.Response).Keys.ToList();
        foreach (var name in names)
        {
            // A new view for each: once a header is found the table is built, and the table answers the rest.
            Assert.True(new ResponseHeaderView(exchange.Response).ContainsKey(name.ToUpperInvariant()), name);
            Assert.True(new ResponseHeaderView(exchange.Response).TryGetValue(name.ToLowerInvariant(), out _), name);
        }

        var view = new ResponseHeaderView(exchange.Response);

        // Names of the same length, first and last letters as a present one: the names' bits do not tell them apart.
        foreach (var absent in new[] { "Sorver", "Dane", "ETog", "X-Cusdom", "Connectiom", "RateLimit", "X-Rate-Limit-Remaining", "", "étag" })
        {
            Assert.False(view.ContainsKey(absent), absent);
            Assert.False(view.TryGetValue(absent, out _), absent);
        }
    }

    [Fact]
    public async Task Gives_readers_on_several_threads_the_same_table()
    {
        using var exchange = await Exchange.RunAsync(Ordinary);
        const int Threads = 4;
        for (var round = 0; round < 300; round++)
        {
            var view = new ResponseHeaderView(exchange.Response);
            var seen = new Dictionary<string, string[]>[Threads];
            using var start = new Barrier(Threads);
            var readers = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                seen[i] = view.Table;
            })).ToList();
            readers.ForEach(t => t.Start());
            readers.ForEach(t => t.Join());

            Assert.All(seen, table => Assert.Same(seen[0], table));
        }
    }

    [Fact]
    public async Task Stays_readable_after_the_response_and_its_connection_are_gone()
    {
        IReadOnlyDictionary<string, string[]> headers;
        long bytes;
        using (var exchange = await Exchange.RunAsync(Ordinary))
        {
            headers = ResponseHeaders.Collect(exchange.Response);
            bytes = ResponseHeaders.SizeOf(headers);
            _ = await exchange.Response.Content.ReadAsStringAsync();
        }

        // The response, its content, the client and its connection are disposed, the server is closed.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var result = new WebBatchResult { Headers = headers };
        Assert.Equal(new[] { "text/plain;charset=UTF-8" }, result.Headers["Content-Type"]);
        Assert.Equal(new[] { "\"abc\"" }, result.Headers["ETag"]);
        Assert.Same(result.Headers, result.Headers);
        Assert.Equal(bytes, BodyBudget.HeldBy(result)); // no body: the headers alone
        Assert.Equal(bytes, ResponseHeaders.SizeOf(result.Headers));
    }

    [Fact]
    public async Task Holding_the_headers_does_not_keep_the_response_or_its_content_alive()
    {
        using var exchange = await Exchange.RunAsync(Ordinary, keepResponse: false);
        var (headers, response, content) = ViewOfDisposedResponse(exchange);

        for (var i = 0; i < 10 && (response.IsAlive || content.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(response.IsAlive, "the response was kept alive");
        Assert.False(content.IsAlive, "the response's content (its stream, its connection) was kept alive");
        Assert.Equal(new[] { "one" }, headers["X-Custom"]);
    }

    /// <summary>Not async and not inlined: no state machine or frame of the caller holds the response.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (IReadOnlyDictionary<string, string[]> Headers, WeakReference Response, WeakReference Content) ViewOfDisposedResponse(Exchange exchange)
    {
        var response = Task.Run(exchange.SendAsync).GetAwaiter().GetResult();
        var headers = ResponseHeaders.Collect(response);
        _ = Task.Run(() => response.Content.ReadAsStringAsync()).GetAwaiter().GetResult();
        var weak = (new WeakReference(response), new WeakReference(response.Content));
        response.Dispose();
        return (headers, weak.Item1, weak.Item2);
    }

    /// <summary>The table the result held before the view: every raw header, response then content, one array each.</summary>
    private static Dictionary<string, string[]> CopyAsBefore(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            headers[header.Key] = header.Value.ToArray();
        }

        return headers;
    }

    private static string Flat(KeyValuePair<string, string[]> header) => header.Key + ": " + string.Join(" | ", header.Value);

    /// <summary>One request to a loopback socket that answers with the given bytes and closes.</summary>
    private sealed class Exchange : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly HttpClient _client = new(new SocketsHttpHandler());
        private readonly string _answer;
        private Task? _serving;

        private Exchange(string answer) => _answer = answer;

        public HttpResponseMessage Response { get; private set; } = null!;

        public static async Task<Exchange> RunAsync(string answer, bool keepResponse = true)
        {
            var exchange = new Exchange(answer);
            exchange._listener.Start();
            if (keepResponse)
            {
                exchange.Response = await exchange.SendAsync();
            }

            return exchange;
        }

        public Task<HttpResponseMessage> SendAsync()
        {
            _serving = ServeAsync();
            var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            return _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/"), HttpCompletionOption.ResponseHeadersRead);
        }

        private async Task ServeAsync()
        {
            using var socket = await _listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var request = new List<byte>();
            var buffer = new byte[1024];
            while (!Encoding.ASCII.GetString(request.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
                if (read == 0)
                {
                    return;
                }

                request.AddRange(buffer.Take(read));
            }

            await socket.SendAsync(Encoding.Latin1.GetBytes(_answer), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
        }

        public void Dispose()
        {
            Response?.Dispose();
            _client.Dispose();
            _listener.Stop();
            _serving?.Wait(TimeSpan.FromSeconds(30));
        }
    }
}
