using System;
using System.Globalization;
using System.Management.Automation;

namespace AsyncWeb.Binding;

/// <summary>
/// Values read back from results and summaries in any shape they travel in: live objects, Deserialized.* property
/// bags (remoting, jobs, Import-Clixml) and CSV text (Import-Csv). One set of rules for both readers
/// (<see cref="BatchRecordReader"/>, <see cref="HostLimitReader"/>). Text is read in the invariant culture and, failing
/// that, in the current one, looked up at each call (Export-Csv writes numbers and dates with the writer's culture);
/// a date is tried in the current culture first, where a day-first "06.12.2026" means 6 December.
/// </summary>
internal static class LooseValues
{
    /// <summary>The base object of a PSObject wrapper (a PSCustomObject bag stays as it is).</summary>
    public static object? Unwrap(object? value) => value is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : value;

    /// <summary>Text of a value; numbers in the invariant culture.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        Uri u => u.OriginalString,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A whole number, or text of one; null for anything else.</summary>
    public static long? Long(object? value) => value switch
    {
        null or bool => null,
        string s => long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null,
        IConvertible c => Convert.ToInt64(c, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A number, or text of one in the invariant or the current culture; null for anything else, "" included.</summary>
    public static double? Double(object? value) => value switch
    {
        null or bool => null,
        string s => TryDouble(s.Trim(), CultureInfo.InvariantCulture) ?? TryDouble(s.Trim(), CultureInfo.CurrentCulture),
        IConvertible c => Convert.ToDouble(c, CultureInfo.InvariantCulture),
        _ => null,
    };

    public static bool? Flag(object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s.Trim(), out var b) => b,
        _ => null,
    };

    public static TimeSpan? Duration(object? value) => value switch
    {
        TimeSpan t => t,
        string s when TimeSpan.TryParse(s.Trim(), CultureInfo.InvariantCulture, out var t) => t,
        string s when TimeSpan.TryParse(s.Trim(), CultureInfo.CurrentCulture, out var t) => t,
        _ => null,
    };

    /// <summary>
    /// A point in time as UTC: a DateTime (unspecified counts as UTC: StartTimeUtc written by Export-Csv), a
    /// DateTimeOffset, a deserialized DateTimeOffset (its UtcTicks), or text in the current or the invariant culture.
    /// </summary>
    public static DateTime? Utc(object? value)
    {
        switch (Unwrap(value))
        {
            case DateTime time:
                return time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
            case DateTimeOffset offset:
                return offset.UtcDateTime;
            case string text:
                return TryUtc(text.Trim(), CultureInfo.CurrentCulture) ?? TryUtc(text.Trim(), CultureInfo.InvariantCulture);
            case PSObject bag when Long(Unwrap(bag.Properties["UtcTicks"]?.Value)) is { } ticks:
                return new DateTime(ticks, DateTimeKind.Utc);
            default:
                return null;
        }
    }

    private static double? TryDouble(string text, CultureInfo culture) =>
        double.TryParse(text, NumberStyles.Float, culture, out var d) ? d : null;

    private static DateTime? TryUtc(string text, CultureInfo culture) =>
        DateTimeOffset.TryParse(text, culture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.UtcDateTime : null;
}
