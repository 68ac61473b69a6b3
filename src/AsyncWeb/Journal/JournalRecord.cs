using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AsyncWeb.Journal;

/// <summary>
/// The journal's lines: JSON, one object per line, flat (strings, numbers, booleans, null). The first line names the
/// format and the run id; every other line is one finished item. Read back by a strict parser that rejects anything
/// else, so a torn or foreign line is recognised and skipped. Pure; unit-tested.
/// </summary>
internal static class JournalRecord
{
    /// <summary>
    /// The format: 2 since item keys cover the body and headers (<see cref="Engine.ItemKeys"/>); 1 was AsyncWeb 0.2.0's,
    /// whose keys (position, method, URI) cannot tell a changed body, so its journals are refused, not misread.
    /// </summary>
    public const int Version = 2;

    public static string Header(string runId, DateTime createdUtc) =>
        "{\"asyncwebJournal\":" + Version.ToString(CultureInfo.InvariantCulture) + ",\"runId\":" + Quote(runId) +
        ",\"created\":" + Quote(createdUtc.ToString("o", CultureInfo.InvariantCulture)) + "}";

    public static string Line(JournalEntry entry)
    {
        var text = new StringBuilder(192);
        text.Append("{\"index\":").Append(entry.Index.ToString(CultureInfo.InvariantCulture))
            .Append(",\"key\":").Append(Quote(entry.Key))
            .Append(",\"method\":").Append(Quote(entry.Method))
            .Append(",\"uri\":").Append(Quote(entry.Uri))
            .Append(",\"status\":").Append(entry.Status.ToString(CultureInfo.InvariantCulture))
            .Append(",\"success\":").Append(entry.Success ? "true" : "false")
            .Append(",\"errorId\":").Append(Quote(entry.ErrorId))
            .Append(",\"outFile\":").Append(Quote(entry.OutFile))
            .Append(",\"sha256\":").Append(Quote(entry.Sha256))
            .Append(",\"finished\":").Append(Quote(entry.FinishedUtc.ToString("o", CultureInfo.InvariantCulture)))
            .Append('}');
        return text.ToString();
    }

    /// <summary>The format and run id of a journal's first line; false when the line is not an AsyncWeb journal header (of any format).</summary>
    public static bool TryParseHeader(string line, out long version, out string runId)
    {
        (version, runId) = (0, string.Empty);
        if (!FlatJson.TryParse(line, out var fields) || fields.TryGetValue("asyncwebJournal", out var format) is false
            || format is not long v || v < 1 || fields.TryGetValue("runId", out var id) is false || id is not string { Length: > 0 } text)
        {
            return false;
        }

        (version, runId) = (v, text);
        return true;
    }

    /// <summary>An item line; false for a torn, foreign or otherwise unreadable line.</summary>
    public static bool TryParse(string line, out JournalEntry entry)
    {
        entry = null!;
        if (!FlatJson.TryParse(line, out var fields)
            || fields.TryGetValue("index", out var index) is false || index is not long i
            || fields.TryGetValue("key", out var key) is false || key is not string { Length: > 0 } k
            || fields.TryGetValue("success", out var success) is false || success is not bool ok)
        {
            return false;
        }

        entry = new JournalEntry
        {
            Index = i,
            Key = k,
            Method = fields.TryGetValue("method", out var m) && m is string method ? method : "GET",
            Uri = Text(fields, "uri"),
            Status = fields.TryGetValue("status", out var s) && s is long status ? (int)status : 0,
            Success = ok,
            ErrorId = Text(fields, "errorId"),
            OutFile = Text(fields, "outFile"),
            Sha256 = Text(fields, "sha256"),
            FinishedUtc = Text(fields, "finished") is { } at && DateTime.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when)
                ? when.ToUniversalTime()
                : default,
        };
        return true;
    }

    private static string? Text(Dictionary<string, object?> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value as string : null;

    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ' or '\u2028' or '\u2029':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
