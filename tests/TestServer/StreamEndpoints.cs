using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Responses that never end (-Stream): server-sent events (fixed, resumable after a drop, timestamped), JSON lines in
/// small flushes, endless streams whose open connections are counted per key, a large JSON array generated on the
/// fly, and a stream whose written bytes are counted, to see a slow reader hold the writer back.
/// </summary>
internal static class StreamEndpoints
{
    private static readonly ConcurrentDictionary<string, StreamKey> s_keys = new(StringComparer.Ordinal);

    public static void MapStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/sse/basic", Basic);
        app.Map("/sse/resume/{key}", (HttpContext c, string key) => Resume(c, key));
        app.Map("/sse/resume/{key}/log", (HttpContext c, string key) => c.Response.WriteAsJsonAsync(KeyOf(key).LastEventIds()));
        app.Map("/sse/ticks", Ticks);
        app.Map("/sse/huge", Huge);
        app.Map("/sse/complete", Complete);
        app.Map("/ndjson", NdJson);
        app.Map("/stream/endless/{key}", (HttpContext c, string key) => Endless(c, key));
        app.Map("/stream/open/{key}", (HttpContext c, string key) => c.Response.WriteAsJsonAsync(new { open = KeyOf(key).Open, opened = KeyOf(key).Opened }));
        app.Map("/stream/array", JsonArray);
        app.Map("/stream/flood/{key}", (HttpContext c, string key) => Flood(c, key));
        app.Map("/stream/written/{key}", (HttpContext c, string key) => c.Response.WriteAsJsonAsync(new { written = Interlocked.Read(ref KeyOf(key).Written) }));
    }

    /// <summary>/sse/basic: every rule of the event stream format once (comments, retry, ids, names, multi-line data, CR, LF and CRLF), then the end.</summary>
    private static async Task Basic(HttpContext c)
    {
        StartEvents(c);
        await Write(c, ": a comment the client ignores\n" +
            "retry: 250\n\n" +
            "data: first\n\n" +
            "id: 7\nevent: update\ndata: line one\ndata: line two\n\n" +
            "data: {\"n\":3}\r\n\r\n" +
            "event: update\rdata: after CR\r\r" +
            "data\n\n" +
            "id: 9\n: no data: no event\n\n" +
            "data: kept id\n\n" +
            "data: not dispatched (no blank line)");
    }

    /// <summary>
    /// /sse/resume/{key}?events=10&amp;dropAfter=3: events with ids 1..events and retry 50; each connection drops (aborts)
    /// after dropAfter events and resumes after the Last-Event-ID it is sent; once all were sent, a request answers 204.
    /// </summary>
    private static async Task Resume(HttpContext c, string key)
    {
        var total = Int(c, "events", 10);
        var dropAfter = Int(c, "dropAfter", 3);
        var lastId = c.Request.Headers["Last-Event-ID"].ToString();
        KeyOf(key).LogLastEventId(lastId);
        var from = int.TryParse(lastId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var last) ? last + 1 : 1;
        if (from > total)
        {
            c.Response.StatusCode = 204;
            return;
        }

        StartEvents(c);
        await Write(c, "retry: 50\n\n");
        for (var id = from; id <= total; id++)
        {
            await Write(c, $"id: {id}\ndata: {{\"n\":{id}}}\n\n");
            if (id - from + 1 == dropAfter && id < total)
            {
                await Task.Delay(20);
                c.Abort(); // a dropped connection, mid-stream
                return;
            }
        }
    }

    /// <summary>
    /// /sse/ticks?count=100&amp;intervalMs=100&amp;phaseMs=: events whose data carry the server's write time (UTC ticks), for
    /// latency. Paced on an absolute schedule (event i is due i intervals after the start), so a late timer or a slow
    /// write does not lower the rate. With phaseMs the schedule is anchored to the clock (events due at phaseMs past a
    /// multiple of the interval), so streams given phases spread over one interval write evenly, not all at once.
    /// </summary>
    private static async Task Ticks(HttpContext c)
    {
        var count = Int(c, "count", 100);
        var interval = TimeSpan.FromMilliseconds(Math.Max(0, Int(c, "intervalMs", 100))).Ticks;
        var phase = Int(c, "phaseMs", -1);
        StartEvents(c);
        await Write(c, ": open\n\n");
        var start = DateTime.UtcNow.Ticks;
        if (phase >= 0 && interval > 0)
        {
            // The last clock point at this phase: the first event is due at the next one.
            start = start - start % interval + TimeSpan.FromMilliseconds(phase).Ticks % interval;
            start -= start > DateTime.UtcNow.Ticks ? interval : 0;
        }

        for (var i = 1; i <= count; i++)
        {
            var wait = start + i * interval - DateTime.UtcNow.Ticks;
            await Task.Delay(TimeSpan.FromTicks(Math.Max(0, wait)), c.RequestAborted);
            await Write(c, $"id: {i}\ndata: {{\"i\":{i},\"t\":{DateTime.UtcNow.Ticks}}}\n\n");
        }
    }

    /// <summary>/sse/huge?bytes=N: one small event, then an event of N bytes of data, then one more.</summary>
    private static async Task Huge(HttpContext c)
    {
        StartEvents(c);
        await Write(c, "data: small\n\ndata: " + new string('x', Int(c, "bytes", 2048)) + "\n\ndata: after\n\n");
    }

    /// <summary>
    /// /sse/complete: an LLM-style streamed completion of a POSTed JSON {"prompt": "..."}: first whether an Authorization
    /// header came, then one event per word of the prompt, then "data: [DONE]".
    /// </summary>
    private static async Task Complete(HttpContext c)
    {
        using var document = await JsonDocument.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted);
        var prompt = document.RootElement.TryGetProperty("prompt", out var p) ? p.GetString() ?? "" : "";
        StartEvents(c);
        await Write(c, $"event: meta\ndata: {{\"authorized\":{(c.Request.Headers.Authorization.Count > 0 ? "true" : "false")},\"method\":\"{c.Request.Method}\"}}\n\n");
        foreach (var word in prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            await Write(c, "data: " + JsonSerializer.Serialize(new { token = word }) + "\n\n");
        }

        await Write(c, "data: [DONE]\n\n");
    }

    /// <summary>/ndjson?count=20&amp;flush=1: JSON lines written in flushes of flush bytes, so the client's reads split them anywhere.</summary>
    private static async Task NdJson(HttpContext c)
    {
        var count = Int(c, "count", 20);
        var flush = Math.Max(1, Int(c, "flush", 1));
        DisableBuffering(c);
        c.Response.ContentType = "application/x-ndjson";
        var text = string.Concat(Enumerable.Range(1, count).Select(i => $"{{\"n\":{i},\"s\":\"é-{i}\"}}\n"));
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += flush)
        {
            await c.Response.Body.WriteAsync(bytes.AsMemory(i, Math.Min(flush, bytes.Length - i)), c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
        }
    }

    /// <summary>/stream/endless/{key}?intervalMs=50: a JSON line every interval until the client leaves; /stream/open/{key} counts the open ones.</summary>
    private static async Task Endless(HttpContext c, string key)
    {
        var state = KeyOf(key);
        Interlocked.Increment(ref state.Opened);
        Interlocked.Increment(ref state.Open);
        try
        {
            var interval = Int(c, "intervalMs", 50);
            c.Response.ContentType = "application/x-ndjson";
            DisableBuffering(c);
            for (var i = 1; !c.RequestAborted.IsCancellationRequested; i++)
            {
                await Write(c, $"{{\"n\":{i}}}\n");
                await Task.Delay(interval, c.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref state.Open);
        }
    }

    /// <summary>/stream/array?count=1000: a top-level JSON array of small objects, generated as it is written.</summary>
    private static async Task JsonArray(HttpContext c)
    {
        var count = Int(c, "count", 1000);
        c.Response.ContentType = "application/json; charset=utf-8";
        var buffer = new StringBuilder(64 * 1024);
        buffer.Append('[');
        for (var i = 0; i < count; i++)
        {
            buffer.Append(i == 0 ? "" : ",").Append("{\"id\":").Append(i).Append(",\"name\":\"item ").Append(i).Append("\",\"tags\":[\"a\",\"b\"]}");
            if (buffer.Length > 60 * 1024)
            {
                await Write(c, buffer.ToString());
                buffer.Clear();
            }
        }

        await Write(c, buffer.Append(']').ToString());
    }

    /// <summary>/stream/flood/{key}?lines=200000&amp;size=1000: JSON lines as fast as the client takes them; /stream/written/{key} says how many bytes were written so far.</summary>
    private static async Task Flood(HttpContext c, string key)
    {
        var state = KeyOf(key);
        var lines = Int(c, "lines", 200_000);
        var size = Math.Max(16, Int(c, "size", 1000));
        c.Response.ContentType = "application/x-ndjson";
        DisableBuffering(c);
        var line = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('p', size - 12) + "\"}\n");
        try
        {
            for (var i = 0; i < lines; i++)
            {
                await c.Response.Body.WriteAsync(line, c.RequestAborted);
                Interlocked.Add(ref state.Written, line.Length);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void StartEvents(HttpContext c)
    {
        c.Response.ContentType = "text/event-stream";
        c.Response.Headers.CacheControl = "no-cache";
        DisableBuffering(c);
    }

    private static void DisableBuffering(HttpContext c) => c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

    private static async Task Write(HttpContext c, string text)
    {
        await c.Response.WriteAsync(text, c.RequestAborted);
        await c.Response.Body.FlushAsync(c.RequestAborted);
    }

    private static int Int(HttpContext c, string name, int fallback) =>
        int.TryParse(c.Request.Query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static StreamKey KeyOf(string key) => s_keys.GetOrAdd(key, _ => new StreamKey());

    private sealed class StreamKey
    {
        public int Open;
        public int Opened;
        public long Written;
        private readonly List<string> _lastEventIds = new();

        public void LogLastEventId(string id)
        {
            lock (_lastEventIds)
            {
                _lastEventIds.Add(id);
            }
        }

        public string[] LastEventIds()
        {
            lock (_lastEventIds)
            {
                return _lastEventIds.ToArray();
            }
        }
    }
}
