using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;

namespace AsyncWeb.Downloads;

/// <summary>
/// Temporary files that a download killed hard left behind (kill -9, a crash: no cleanup ran). The
/// first download of a batch into a directory removes those of AtomicFileWriter's naming whose process
/// has exited and which nobody holds open; another live process's temporary files are left alone.
/// Partial files of -Resume are kept on purpose and never touched.
/// </summary>
internal sealed class StaleTempFiles
{
    private readonly ConcurrentDictionary<string, bool> _swept = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Sweeps <paramref name="directory"/> once per batch.</summary>
    public void SweepOnce(string directory)
    {
        if (_swept.TryAdd(directory, true))
        {
            Sweep(directory);
        }
    }

    public static void Sweep(string directory)
    {
        string[] paths;
        try
        {
            paths = Directory.GetFiles(directory, "*" + AtomicFileWriter.TempSuffix);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var path in paths)
        {
            if (AtomicFileWriter.TryParseTempOwner(Path.GetFileName(path), out var owner) && !IsRunning(owner))
            {
                DeleteUnlessHeld(path);
            }
        }
    }

    /// <summary>True when the process may still be writing (a reused id only keeps a file a little longer).</summary>
    private static bool IsRunning(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes the file only if it can be opened exclusively: a writer holds its temporary file with
    /// FileShare.None (a lock on Unix too), so one that is still running, in another process namespace
    /// even, keeps it.
    /// </summary>
    private static void DeleteUnlessHeld(string path)
    {
        try
        {
            using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Held, or already gone.
        }
    }
}
