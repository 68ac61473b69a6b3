using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Export;
using AsyncWeb.Security;
using AsyncWeb.Timing;

using static AsyncWeb.Binding.LooseValues;

namespace AsyncWeb.Binding;

/// <summary>
/// Export-AsyncWebHar's and Export-AsyncWebReport's reader: an <see cref="ExportRecord"/> from a result in whatever shape
/// it travels (live, deserialized by remoting, jobs or Import-Clixml, or any object with the same property names) or
/// from an error record that carries one. Reads what is there; an absent value is not known.
/// </summary>
internal static class ExportRecordReader
{
    /// <summary>False when the input is not a result; <paramref name="redactorOf"/> gives the rules for a result's batch rules (null: none known).</summary>
    public static bool TryRead(object? input, Func<UriRedactor?, UriRedactor> redactorOf, out ExportRecord record)
    {
        record = null!;
        switch (input is PSObject wrapped ? wrapped.BaseObject : input)
        {
            case null:
                return false;
            case WebBatchResult live:
                record = FromLive(live, redactorOf(live.Redactor));
                return true;
            case ErrorRecord error:
                return TryRead(error.TargetObject, redactorOf, out record);
            case var other:
                return TryReadShape(input as PSObject ?? PSObject.AsPSObject(other), redactorOf(null), out record);
        }
    }

    private static ExportRecord FromLive(WebBatchResult r, UriRedactor redactor) => new()
    {
        Index = r.Index,
        PageIndex = r.PageIndex,
        Method = r.Method,
        Uri = r.Uri,
        FinalUri = r.FinalUri,
        GivenUri = r.Uri is null ? Text(r.Input) : null,
        StatusCode = r.StatusCode,
        ReasonPhrase = r.ReasonPhrase,
        ProtocolVersion = r.ProtocolVersion,
        StartUtc = r.Attempts > 0 ? r.StartTimeUtc : null,
        ElapsedMs = r.Elapsed.TotalMilliseconds,
        Phases = PhaseFacts.Of(r),
        Attempts = r.Attempts,
        RequestHeaders = ItemHeaders(r.Input),
        ResponseHeaders = Flatten(r.Headers as IEnumerable),
        ContentType = r.ContentType,
        ContentLength = r.ContentLength,
        Content = r.Content,
        BinaryContent = r.RawContent is not null,
        OutFile = r.OutFile,
        BytesSent = r.BytesSent,
        ErrorId = r.Error?.ErrorId,
        ErrorMessage = r.Error?.Message,
        RemoteAddress = r.RemoteAddress?.ToString(),
        Skipped = r.Skipped,
        FromJournal = r.FromJournal,
        HostLimit = r.HostLimit,
        HostWaitMs = r.HostWaitMs,
        Redactor = redactor,
    };

    private static bool TryReadShape(PSObject shape, UriRedactor redactor, out ExportRecord record)
    {
        record = null!;
        var status = Long(P(shape, "StatusCode"));
        var elapsed = Duration(P(shape, "Elapsed"))?.TotalMilliseconds ?? Double(P(shape, "ElapsedMs"));
        var errorId = BatchRecordReader.ErrorIdOf(shape);
        if (status is null || elapsed is null || (Flag(P(shape, "Success")) is null && errorId is null))
        {
            return false;
        }

        var uri = AbsoluteUri(P(shape, "Uri"));
        var attempts = Long(P(shape, "Attempts"));
        var error = P(shape, "Error");
        record = new ExportRecord
        {
            Index = Long(P(shape, "Index")) ?? 0,
            PageIndex = (int)(Long(P(shape, "PageIndex")) ?? 0),
            Method = Text(P(shape, "Method")) is { Length: > 0 } method ? method : "GET",
            Uri = uri,
            FinalUri = AbsoluteUri(P(shape, "FinalUri")),
            GivenUri = uri is null ? Text(P(shape, "Uri")) ?? Text(P(shape, "Input")) : null,
            StatusCode = (int)status.Value,
            ReasonPhrase = Text(P(shape, "ReasonPhrase")),
            ProtocolVersion = Version.TryParse(Text(P(shape, "ProtocolVersion")) ?? string.Empty, out var version) ? version : null,
            StartUtc = Utc(P(shape, "StartTimeUtc")) ?? Utc(P(shape, "StartTime")),
            ElapsedMs = elapsed.Value,
            Phases = BatchRecordReader.PhasesOf(shape),
            Attempts = (int)(attempts ?? (elapsed > 0 ? 1 : 0)),
            RequestHeaders = ItemHeaders(P(shape, "Input")),
            ResponseHeaders = Flatten(P(shape, "Headers") as IEnumerable),
            ContentType = Text(P(shape, "ContentType")),
            ContentLength = Long(P(shape, "ContentLength")) ?? 0,
            Content = P(shape, "Content") as string,
            BinaryContent = P(shape, "RawContent") is not null,
            OutFile = Text(P(shape, "OutFile")),
            BytesSent = Long(P(shape, "BytesSent")) ?? 0,
            ErrorId = errorId ?? (Flag(P(shape, "Success")) == false ? "Unknown" : null),
            ErrorMessage = error is null or string ? Text(error) : Text(BatchRecordReader.Property(PSObject.AsPSObject(error), "Message")),
            RemoteAddress = Text(P(shape, "RemoteAddress")),
            Skipped = Flag(P(shape, "Skipped")) ?? false,
            FromJournal = Flag(P(shape, "FromJournal")) ?? false,
            HostLimit = Long(P(shape, "HostLimit")) is { } limit ? (int)limit : null,
            HostWaitMs = Double(P(shape, "HostWaitMs")) ?? 0,
            Redactor = redactor,
        };
        return true;
    }

    /// <summary>The headers the item carried (its Headers key or property), one pair per value; none for a plain URI.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> ItemHeaders(object? input)
    {
        var lookup = ItemFields.LookupOf(input, out _);
        if (lookup is null)
        {
            return ExportRecord.NoHeaders;
        }

        var (found, value) = lookup("Headers");
        return found ? Flatten(Unwrap(value) as IEnumerable) : ExportRecord.NoHeaders;
    }

    /// <summary>A dictionary of headers (live string[] values, deserialized lists, single values) as name/value pairs, by name.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> Flatten(IEnumerable? headers)
    {
        if (headers is not IDictionary and not IEnumerable<KeyValuePair<string, string[]>>)
        {
            return ExportRecord.NoHeaders;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        if (headers is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                AddValues(pairs, Text(Unwrap(entry.Key)) ?? string.Empty, Unwrap(entry.Value));
            }
        }
        else
        {
            foreach (var entry in (IEnumerable<KeyValuePair<string, string[]>>)headers)
            {
                AddValues(pairs, entry.Key, entry.Value);
            }
        }

        // By name, so a result's file is the same whichever way it travelled (a deserialized hashtable has no order).
        return pairs.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static void AddValues(List<KeyValuePair<string, string>> pairs, string name, object? value)
    {
        if (value is IEnumerable values and not string)
        {
            foreach (var one in values)
            {
                pairs.Add(new KeyValuePair<string, string>(name, Text(Unwrap(one)) ?? string.Empty));
            }
        }
        else if (value is not null)
        {
            pairs.Add(new KeyValuePair<string, string>(name, Text(value) ?? string.Empty));
        }
    }

    private static Uri? AbsoluteUri(object? value) => value switch
    {
        Uri { IsAbsoluteUri: true } uri => uri,
        string text when Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) => parsed,
        _ => null,
    };

    private static object? P(PSObject shape, string name) => BatchRecordReader.Property(shape, name);
}
