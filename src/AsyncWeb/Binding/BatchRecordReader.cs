using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using AsyncWeb.Commands;
using AsyncWeb.Requests;
using AsyncWeb.Summary;
using AsyncWeb.Timing;

using static AsyncWeb.Binding.LooseValues;

namespace AsyncWeb.Binding;

/// <summary>
/// Measure-AsyncWebBatch's reader of results and summaries (host limits have their own, HostLimitReader): reads what a summary needs from a result in whatever shape it
/// travels — live, deserialized (remoting, Start-Job, Import-Clixml), a row of Import-Csv, or any
/// object with the same property names — from an error record that carries one, or from a summary
/// (live or deserialized) to merge.
/// </summary>
internal static class BatchRecordReader
{
    /// <summary>The properties that make an object a result: all of the first two, and one of the third.</summary>
    public const string ResultProperties = "StatusCode, ElapsedMs (or Elapsed) and Success (or ErrorId)";

    
    /// <summary>False when the input is neither a result nor a summary.</summary>
    public static bool TryRead(object? input, out ResultFacts result, out SummaryFacts? summary)
    {
        result = default;
        summary = null;
        switch (input is PSObject wrapped ? wrapped.BaseObject : input)
        {
            case null:
                return false;
            case WebBatchResult live:
                result = new ResultFacts(live.Error?.ErrorId, live.Skipped, live.StatusCode, live.ContentLength, live.Attempts > 0, live.Elapsed, live.StartTimeUtc)
                {
                    Phases = PhaseFacts.Of(live),
                    BytesSent = live.BytesSent,
                };
                return true;
            case WebBatchSummary liveSummary:
                summary = liveSummary.ToFacts();
                return true;
            case ErrorRecord record:
                return TryRead(record.TargetObject, out result, out summary) && summary is null;
            case var other:
                var shape = input as PSObject ?? PSObject.AsPSObject(other);
                return TryReadSummary(shape, out summary) || TryReadResult(shape, out result);
        }
    }

    private static bool TryReadResult(PSObject shape, out ResultFacts result)
    {
        result = default;
        var status = Property(shape, "StatusCode");
        var elapsed = Duration(Property(shape, "Elapsed")) ?? Milliseconds(Property(shape, "ElapsedMs"));
        var success = Flag(Property(shape, "Success"));
        var errorId = ErrorIdOf(shape);
        if (status is null || elapsed is null || (success is null && errorId is null && Property(shape, "ErrorId") is null))
        {
            return false;
        }

        if (errorId is null && success == false)
        {
            errorId = "Unknown";
        }

        var attempts = Long(Property(shape, "Attempts"));
        var sent = attempts is null ? elapsed.Value > TimeSpan.Zero : attempts > 0;
        var start = Utc(Property(shape, "StartTimeUtc")) ?? Utc(Property(shape, "StartTime"));
        result = new ResultFacts(errorId, Flag(Property(shape, "Skipped")) ?? false, (int)(Long(status) ?? 0),
            Long(Property(shape, "ContentLength")) ?? 0, sent, elapsed.Value, start)
        {
            Phases = PhasesOf(shape),
            BytesSent = Long(Property(shape, "BytesSent")) ?? 0,
        };
        return true;
    }

    /// <summary>The phase timings of a result in any shape; absent or empty (a CSV cell) is not seen.</summary>
    internal static PhaseFacts PhasesOf(PSObject shape) => new()
    {
        QueueWaitMs = Double(Property(shape, "QueueWaitMs")),
        DnsLookupMs = Double(Property(shape, "DnsLookupMs")),
        ConnectMs = Double(Property(shape, "ConnectMs")),
        TlsHandshakeMs = Double(Property(shape, "TlsHandshakeMs")),
        TimeToFirstByteMs = Double(Property(shape, "TimeToFirstByteMs")),
        TransferMs = Double(Property(shape, "TransferMs")),
        ConnectionReused = Flag(Property(shape, "ConnectionReused")),
        Host = HostKey.TryOf(AbsoluteUri(Property(shape, "FinalUri")) ?? AbsoluteUri(Property(shape, "Uri"))),
    };

    private static Uri? AbsoluteUri(object? value) => value switch
    {
        Uri uri => uri,
        string text when Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) => parsed,
        _ => null,
    };

    private static bool TryReadSummary(PSObject shape, out SummaryFacts? summary)
    {
        summary = null;
        if (Property(shape, "LatencySamplesMs") is not IEnumerable samples || samples is string
            || Long(Property(shape, "Count")) is not { } count || Long(Property(shape, "Succeeded")) is not { } succeeded)
        {
            return false;
        }

        var sampleList = Doubles(samples);

        var statuses = new Dictionary<int, int>();
        foreach (var (key, value) in Counts(Property(shape, "StatusCodes")))
        {
            statuses[int.Parse(key, NumberStyles.Integer, CultureInfo.InvariantCulture)] = value;
        }

        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in Counts(Property(shape, "FailuresByErrorId")))
        {
            failures[key] = value;
        }

        summary = new SummaryFacts
        {
            Count = (int)count,
            Succeeded = (int)succeeded,
            Skipped = (int)(Long(Property(shape, "Skipped")) ?? 0),
            Bytes = Long(Property(shape, "Bytes")) ?? 0,
            BytesSent = Long(Property(shape, "BytesSent")) ?? 0,
            Failures = failures,
            Statuses = statuses,
            SamplesMs = sampleList,
            StartUtc = Utc(Property(shape, "StartTimeUtc")),
            EndUtc = Utc(Property(shape, "EndTimeUtc")),
            Timings = new TimingSamples
            {
                QueueWait = Doubles(Property(shape, "QueueWaitSamplesMs")),
                DnsLookup = Doubles(Property(shape, "DnsLookupSamplesMs")),
                Connect = Doubles(Property(shape, "ConnectSamplesMs")),
                TlsHandshake = Doubles(Property(shape, "TlsHandshakeSamplesMs")),
                TimeToFirstByte = Doubles(Property(shape, "TimeToFirstByteSamplesMs")),
                TimeToFirstByteHosts = Texts(Property(shape, "TimeToFirstByteSampleHosts")),
                Transfer = Doubles(Property(shape, "TransferSamplesMs")),
                ConnectionsOpened = (int)(Long(Property(shape, "ConnectionsOpened")) ?? 0),
                ConnectionsReused = (int)(Long(Property(shape, "ConnectionsReused")) ?? 0),
            },
        };
        return true;
    }

    /// <summary>The numbers of a list (live or deserialized); empty when it is absent.</summary>
    private static List<double> Doubles(object? value)
    {
        var list = new List<double>();
        if (value is IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                list.Add(Convert.ToDouble(item is PSObject p ? p.BaseObject : item, CultureInfo.InvariantCulture));
            }
        }

        return list;
    }

    /// <summary>The texts of a list (live or deserialized); empty when it is absent.</summary>
    private static List<string> Texts(object? value)
    {
        var list = new List<string>();
        if (value is IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                list.Add(Text(item is PSObject p ? p.BaseObject : item) ?? string.Empty);
            }
        }

        return list;
    }

    /// <summary>ErrorId, else Error.ErrorId (an object), else the id before ':' of an Error written as text.</summary>
    internal static string? ErrorIdOf(PSObject shape)
    {
        var id = Text(Property(shape, "ErrorId"));
        if (!string.IsNullOrEmpty(id))
        {
            return id;
        }

        switch (Property(shape, "Error"))
        {
            case null:
                return null;
            case string text:
                var colon = text.IndexOf(':');
                return colon > 0 ? text.Substring(0, colon).Trim() : (text.Trim().Length > 0 ? text.Trim() : null);
            case var error:
                var nested = Text(Property(PSObject.AsPSObject(error), "ErrorId"));
                return string.IsNullOrEmpty(nested) ? null : nested;
        }
    }

    private static IEnumerable<(string Key, int Value)> Counts(object? value)
    {
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                yield return (Text(entry.Key) ?? string.Empty, (int)(Long(entry.Value) ?? 0));
            }
        }
    }

    internal static object? Property(PSObject shape, string name) => Unwrap(shape.Properties[name]?.Value);

    /// <summary>ElapsedMs to ticks exactly (TimeSpan.FromMilliseconds rounds to whole ms on .NET Framework).</summary>
    private static TimeSpan? Milliseconds(object? value) =>
        Double(value) is { } ms ? TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond)) : null;
}
