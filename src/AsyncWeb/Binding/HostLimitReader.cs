using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using AsyncWeb.Commands;
using AsyncWeb.Requests;
using AsyncWeb.Summary;

namespace AsyncWeb.Binding;

/// <summary>
/// Measure-AsyncWebBatch's reading of per-host limits: a result's HostLimit with its host and end time (live,
/// deserialized or a CSV row with Uri, HostLimit and StartTimeUtc/Elapsed), or a summary's HostLimits to merge.
/// Anything without them adds nothing.
/// </summary>
internal static class HostLimitReader
{
    public static void AddTo(HostLimitTally tally, object? input)
    {
        switch (input is PSObject wrapped ? wrapped.BaseObject : input)
        {
            case null:
                return;
            case WebBatchResult { HostLimit: { } limit, Uri: { } uri } live:
                tally.Add(HostKey.Of(uri), limit, live.StartTimeUtc + live.Elapsed);
                return;
            case WebBatchResult:
                return;
            case WebBatchSummary summary:
                foreach (var host in summary.HostLimits)
                {
                    tally.Add(host.Host, host.Limit, host.AtUtc);
                }

                return;
            case ErrorRecord record:
                AddTo(tally, record.TargetObject);
                return;
            case var other:
                AddShape(tally, input as PSObject ?? PSObject.AsPSObject(other));
                return;
        }
    }

    private static void AddShape(HostLimitTally tally, PSObject shape)
    {
        if (Unwrap(shape.Properties["HostLimits"]?.Value) is IEnumerable limits and not string)
        {
            foreach (var entry in limits)
            {
                var host = PSObject.AsPSObject(entry);
                if (Text(host, "Host") is { } name && Number(host, "Limit") is { } limit && Time(host, "AtUtc") is { } at)
                {
                    tally.Add(name, (int)limit, at);
                }
            }

            return;
        }

        if (Number(shape, "HostLimit") is not { } hostLimit || Text(shape, "Uri") is not { } text
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || Time(shape, "StartTimeUtc") is not { } start)
        {
            return;
        }

        var elapsed = shape.Properties["Elapsed"]?.Value is { } e && Unwrap(e) is TimeSpan span ? span
            : Number(shape, "ElapsedMs") is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
        tally.Add(HostKey.Of(uri), (int)hostLimit, start + elapsed);
    }

    private static object? Unwrap(object? value) => LooseValues.Unwrap(value);

    private static string? Text(PSObject shape, string name) =>
        LooseValues.Text(Unwrap(shape.Properties[name]?.Value)) is { Length: > 0 } text ? text : null;

    private static double? Number(PSObject shape, string name) => LooseValues.Double(Unwrap(shape.Properties[name]?.Value));

    private static DateTime? Time(PSObject shape, string name) => LooseValues.Utc(shape.Properties[name]?.Value);
}
