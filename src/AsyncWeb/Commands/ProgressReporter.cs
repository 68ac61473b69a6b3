using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using AsyncWeb.Batch;

namespace AsyncWeb.Commands;

/// <summary>
/// Write-Progress for a batch: requests done, in flight, bytes sent and received and rates; at most four updates a second,
/// pipeline thread only. A host that blocks in WriteProgress (a terminal that never answers the
/// cursor-position query: about 18 s for the first record, 2 s for each later one) gets no more
/// records in that batch once one write took longer than <see cref="StallThreshold"/>.
/// </summary>
internal sealed class ProgressReporter
{
    /// <summary>A write that takes longer than this turns progress off for the rest of the batch.</summary>
    internal static readonly TimeSpan StallThreshold = TimeSpan.FromSeconds(1);

    private static readonly long s_interval = Stopwatch.Frequency / 4;
    private readonly Cmdlet _cmdlet;
    private readonly long _total;
    private readonly int _activityId;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _last;
    private bool _shown;
    private bool _stalled;

    private ProgressReporter(Cmdlet cmdlet, long total)
    {
        _cmdlet = cmdlet;
        _total = total;
        _activityId = Math.Abs(Environment.TickCount % 100000) + 1;
    }

    /// <summary>Null when $ProgressPreference is SilentlyContinue or Ignore: no cost at all then.</summary>
    public static ProgressReporter? Create(PSCmdlet cmdlet, long total)
    {
        var preference = cmdlet.GetVariableValue("ProgressPreference");
        if (preference is ActionPreference p && (p == ActionPreference.SilentlyContinue || p == ActionPreference.Ignore))
        {
            return null;
        }

        return new ProgressReporter(cmdlet, total);
    }

    public void Update(BatchEngine engine)
    {
        var now = Stopwatch.GetTimestamp();
        if (_stalled || now - _last < s_interval)
        {
            return;
        }

        _last = now;
        if (!_shown && Stopwatch.GetElapsedTime(_started).TotalMilliseconds < 150)
        {
            return;
        }

        _shown = true;
        var done = engine.Completed;
        var seconds = Math.Max(Stopwatch.GetElapsedTime(_started).TotalSeconds, 0.001);
        var bytes = engine.BytesReceived;
        var sent = engine.BytesSent;
        var uploads = sent > 0 ? string.Create(CultureInfo.InvariantCulture, $"{FormatBytes(sent)} sent ({FormatBytes((long)(sent / seconds))}/s), ") : string.Empty;
        var status = string.Create(CultureInfo.InvariantCulture,
            $"{done:N0}{(_total > 0 ? $" of {_total:N0}" : string.Empty)} done, {engine.Running:N0} in flight, {uploads}{FormatBytes(bytes)} received, {done / seconds:N0} req/s, {FormatBytes((long)(bytes / seconds))}/s");
        if (engine.Flow.Status() is { } paused)
        {
            status += "; " + paused;
        }

        var record = new ProgressRecord(_activityId, "Invoke-AsyncWebBatch", status)
        {
            PercentComplete = _total > 0 ? (int)Math.Min(100, done * 100 / _total) : -1,
        };
        Write(record);
    }

    public void Complete()
    {
        // After a stall the host would block once more just to clear the bar; it clears it itself when the command ends.
        if (!_shown || _stalled)
        {
            return;
        }

        Write(new ProgressRecord(_activityId, "Invoke-AsyncWebBatch", "done") { RecordType = ProgressRecordType.Completed });
    }

    private void Write(ProgressRecord record)
    {
        var started = Stopwatch.GetTimestamp();
        _cmdlet.WriteProgress(record);
        var took = Stopwatch.GetElapsedTime(started);
        if (took > StallThreshold)
        {
            _stalled = true;
            _cmdlet.WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                $"Progress is off for the rest of this batch: showing it blocked for {took.TotalSeconds:0.0} s (a terminal that does not answer PowerShell's cursor-position query; $ProgressPreference = 'SilentlyContinue' avoids even that first wait)."));
        }
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GB",
    };
}
