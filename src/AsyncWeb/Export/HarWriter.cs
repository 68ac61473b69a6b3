using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AsyncWeb.Export;

/// <summary>
/// Writes results as a HAR 1.2 file (the format of browsers' developer tools), one entry at a time, so a batch of any
/// size streams through in bounded memory: <see cref="Write"/> per result, then <see cref="Complete"/>. Results that
/// were never sent (from the journal, skipped files, invalid input) are counted, not written: they were no request.
/// </summary>
internal sealed class HarWriter : IDisposable
{
    private const int FlushAt = 64 * 1024;
    private static readonly UTF8Encoding s_utf8 = new(false);

    private readonly Utf8JsonWriter _json;
    private readonly HarOptions _options;
    private bool _completed;

    public HarWriter(Stream output, HarOptions options)
    {
        _options = options;

        // Relaxed escaping keeps URLs and text readable; JSON stays valid (quotes, controls and lone surrogates are escaped).
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false });
        _json.WriteStartObject();
        _json.WriteStartObject("log");
        _json.WriteString("version", "1.2");
        _json.WriteStartObject("creator");
        _json.WriteString("name", "AsyncWeb");
        _json.WriteString("version", options.CreatorVersion);
        _json.WriteEndObject();
        _json.WriteStartArray("entries");
    }

    /// <summary>Entries written.</summary>
    public long Written { get; private set; }

    /// <summary>Results left out because they were never sent.</summary>
    public long NotSent { get; private set; }

    /// <summary>Writes one result as an entry (or counts it as not sent).</summary>
    public void Write(ExportRecord record)
    {
        if (!record.Sent)
        {
            NotSent++;
            return;
        }

        var redaction = new ExportRedaction(_options.Redactor, record);
        var timings = HarTimings.Of(record);
        var json = _json;
        json.WriteStartObject();
        json.WriteString("startedDateTime", StartedDateTime(record, timings));
        json.WriteNumber("time", timings.Time);
        WriteRequest(record, redaction);
        WriteResponse(record, redaction);
        json.WriteStartObject("cache");
        json.WriteEndObject();
        WriteTimings(timings);
        if (record.RemoteAddress is { Length: > 0 } address)
        {
            json.WriteString("serverIPAddress", address);
        }

        json.WriteNumber("_index", record.Index);
        json.WriteNumber("_pageIndex", record.PageIndex);
        json.WriteNumber("_attempts", record.Attempts);
        json.WriteNumber("_elapsedMs", Math.Round(record.ElapsedMs, 3));
        if (record.HostWaitMs > 0)
        {
            json.WriteNumber("_hostWaitMs", record.HostWaitMs);
        }

        if (record.HostLimit is { } limit)
        {
            json.WriteNumber("_hostLimit", limit);
        }

        if (record.Phases.ConnectionReused is { } reused)
        {
            json.WriteBoolean("_connectionReused", reused);
        }

        if (record.ErrorId is { } errorId)
        {
            json.WriteString("_error", errorId);
            json.WriteString("_errorMessage", redaction.Text(record.ErrorMessage));
        }

        json.WriteEndObject();
        Written++;
        if (json.BytesPending > FlushAt)
        {
            json.Flush();
        }
    }

    /// <summary>Ends the entries and the document, and flushes.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _json.WriteEndArray();
        if (NotSent > 0)
        {
            _json.WriteString("comment", string.Create(CultureInfo.InvariantCulture,
                $"{NotSent} result(s) not sent in this run (from the journal, skipped, or invalid input) have no entry."));
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
    }

    public void Dispose() => _json.Dispose();

    // The request started when it was queued (blocked), before its first attempt.
    private static string StartedDateTime(ExportRecord record, HarTimings timings)
    {
        var start = record.StartUtc ?? new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (timings.Blocked > 0)
        {
            start -= TimeSpan.FromTicks((long)(timings.Blocked * TimeSpan.TicksPerMillisecond));
        }

        return DateTime.SpecifyKind(start, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }

    private void WriteRequest(ExportRecord record, ExportRedaction redaction)
    {
        var json = _json;
        json.WriteStartObject("request");
        json.WriteString("method", record.Method);
        json.WriteString("url", redaction.Url(record));
        json.WriteString("httpVersion", HttpVersion(record.ProtocolVersion));
        WriteCookies("Cookie", record.RequestHeaders);
        WriteHeaders(record.RequestHeaders, redaction);
        json.WriteStartArray("queryString");
        foreach (var pair in redaction.QueryString())
        {
            json.WriteStartObject();
            json.WriteString("name", pair.Key);
            json.WriteString("value", pair.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("headersSize", -1);
        json.WriteNumber("bodySize", record.BytesSent);
        json.WriteEndObject();
    }

    private void WriteResponse(ExportRecord record, ExportRedaction redaction)
    {
        var json = _json;
        var answered = record.StatusCode > 0;
        json.WriteStartObject("response");
        json.WriteNumber("status", record.StatusCode);
        json.WriteString("statusText", answered ? redaction.Text(record.ReasonPhrase) : string.Empty);
        json.WriteString("httpVersion", answered ? HttpVersion(record.ProtocolVersion) : string.Empty);
        WriteCookies("Set-Cookie", record.ResponseHeaders);
        WriteHeaders(record.ResponseHeaders, redaction);
        WriteContent(record, redaction);
        json.WriteString("redirectURL", answered && record.StatusCode is >= 300 and < 400 ? redaction.Text(Header(record.ResponseHeaders, "Location")) : string.Empty);
        json.WriteNumber("headersSize", -1);

        // ContentLength is the decoded length; what crossed the wire is not known when the body was compressed.
        json.WriteNumber("bodySize", !answered ? 0 : Header(record.ResponseHeaders, "Content-Encoding") is null ? record.ContentLength : -1);
        json.WriteEndObject();
    }

    private void WriteContent(ExportRecord record, ExportRedaction redaction)
    {
        var json = _json;
        json.WriteStartObject("content");
        json.WriteNumber("size", record.StatusCode > 0 ? record.ContentLength : 0);
        json.WriteString("mimeType", record.ContentType is { Length: > 0 } type ? type : "x-unknown");
        string? comment = null;
        if (record.StatusCode == 0 || record.ContentLength == 0)
        {
            // Nothing to say.
        }
        else if (!_options.IncludeContent)
        {
            comment = "body not included (-IncludeContent)";
        }
        else if (record.OutFile is not null)
        {
            comment = "body written to a file, not included";
        }
        else if (record.BinaryContent || record.Content is null)
        {
            comment = "binary body not included: it cannot be checked for secrets";
        }
        else if (s_utf8.GetByteCount(record.Content) > _options.MaximumContentBytes)
        {
            comment = string.Create(CultureInfo.InvariantCulture, $"body not included: larger than -MaximumContentBytes {_options.MaximumContentBytes}");
        }
        else
        {
            json.WriteString("text", redaction.Text(record.Content));
        }

        if (comment is not null)
        {
            json.WriteString("comment", comment);
        }

        json.WriteEndObject();
    }

    private void WriteHeaders(IReadOnlyList<KeyValuePair<string, string>> headers, ExportRedaction redaction)
    {
        var json = _json;
        json.WriteStartArray("headers");
        foreach (var header in headers)
        {
            json.WriteStartObject();
            json.WriteString("name", header.Key);
            json.WriteString("value", redaction.HeaderValue(header.Key, header.Value));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    // Cookie values are secrets: their names only, each value ***.
    private void WriteCookies(string headerName, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var json = _json;
        json.WriteStartArray("cookies");
        foreach (var header in headers)
        {
            if (!header.Key.Equals(headerName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var name in ExportRedaction.CookieNames(header.Key, header.Value))
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("value", Security.UriRedaction.Mask);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
    }

    private void WriteTimings(HarTimings timings)
    {
        var json = _json;
        json.WriteStartObject("timings");
        json.WriteNumber("blocked", timings.Blocked);
        json.WriteNumber("dns", timings.Dns);
        json.WriteNumber("connect", timings.Connect);
        json.WriteNumber("ssl", timings.Ssl);
        json.WriteNumber("send", timings.Send);
        json.WriteNumber("wait", timings.Wait);
        json.WriteNumber("receive", timings.Receive);
        json.WriteEndObject();
    }

    /// <summary>"HTTP/1.1", "HTTP/2", "HTTP/3"; empty when not known.</summary>
    public static string HttpVersion(Version? version) => version switch
    {
        null => string.Empty,
        { Major: >= 2 } => "HTTP/" + version.Major.ToString(CultureInfo.InvariantCulture),
        _ => "HTTP/" + version.Major.ToString(CultureInfo.InvariantCulture) + "." + Math.Max(0, version.Minor).ToString(CultureInfo.InvariantCulture),
    };

    private static string? Header(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var header in headers)
        {
            if (header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
