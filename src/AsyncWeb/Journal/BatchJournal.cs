using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace AsyncWeb.Journal;

/// <summary>
/// -JournalPath: an append-only record of finished items (<see cref="JournalRecord"/>), so that a batch killed
/// (Ctrl+C, kill -9, a crash) and run again sends only what had not succeeded. Opened once per batch, by one writer
/// (the file is locked against other writers); read first: the items that succeeded are remembered by key, a torn
/// last line (a process killed mid-write) is cut off, and the run id of the first line is kept for -IdempotencyKey.
/// Lines are appended by the one thread that emits results, and reach the operating system (a write, no fsync)
/// before their results are emitted; the file is synced to disk when the batch ends.
/// </summary>
internal sealed partial class BatchJournal : IResultJournal
{
    public const string UnusableId = ErrorIds.JournalUnusable;
    public const string InvalidId = ErrorIds.InvalidJournal;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly HashSet<string> s_open = new(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly FileStream _file;
    private string? _fullPath;
    private readonly StreamWriter _writer;
    private readonly Dictionary<Key128, Done> _succeeded;
    private bool _closed;

    // A write failed (a full disk): reported by the call that met it, the batch then ends; never reported again.
    private bool _failed;

    private BatchJournal(string path, FileStream file, Stream writes, string runId, Dictionary<Key128, Done> succeeded, int unreadable, bool tornTail)
    {
        Path = path;
        _file = file;
        RunId = runId;
        _succeeded = succeeded;
        UnreadableLines = unreadable;
        TornTail = tornTail;
        _writer = new StreamWriter(writes, s_utf8, 64 * 1024) { AutoFlush = false, NewLine = "\n" };
    }

    public string Path { get; }

    /// <summary>The run id of the journal's first line (new, or -RunId, when the journal was empty).</summary>
    public string RunId { get; }

    /// <summary>Items the journal records as succeeded.</summary>
    public int Succeeded => _succeeded.Count;

    /// <summary>Complete lines that were not readable (skipped; none in a journal only AsyncWeb wrote).</summary>
    public int UnreadableLines { get; }

    /// <summary>True when the last line was torn (a process killed mid-write) and was cut off.</summary>
    public bool TornTail { get; }

    /// <summary>Opens (or creates) the journal at <paramref name="path"/> and reads it; throws <see cref="JournalException"/>.</summary>
    public static BatchJournal Open(string path, string? runId) => Open(path, runId, null);

    /// <summary>As <see cref="Open(string, string?)"/>, with the lines written through <paramref name="writeThrough"/>'s stream over the file (a test's failing disk).</summary>
    internal static BatchJournal Open(string path, string? runId, Func<Stream, Stream>? writeThrough)
    {
        // Batches of this process are kept apart by the file's final path: one through a symbolic link and one
        // through its target are one journal (and fcntl locks, being per process, cannot tell them apart).
        var full = FinalPath.Of(System.IO.Path.GetFullPath(path));
        lock (s_open)
        {
            if (!s_open.Add(full))
            {
                throw new JournalException(UnusableId, $"the journal '{path}' is in use by another batch in this process");
            }
        }

        FileStream? file = null;
        try
        {
            file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
            // Windows refuses a second writer by FileShare.Read; on Linux that is advisory, so an advisory record lock
            // (fcntl) keeps out other processes' batches, while readers (tail, Get-Content) still read. (macOS has
            // neither in .NET: there only the batches of one process are kept apart.)
#if NET
            if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
#else
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
#endif
            {
                file.Lock(0, long.MaxValue);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            file?.Dispose();
            Release(full);
            throw new JournalException(UnusableId, $"the journal '{path}' cannot be opened for writing (is another batch using it?): {ex.Message}", ex);
        }

        try
        {
            var journal = Read(path, file, writeThrough?.Invoke(file) ?? file, runId);
            journal._fullPath = full;
            return journal;
        }
        catch
        {
            file.Dispose();
            Release(full);
            throw;
        }
    }

    private static void Release(string full)
    {
        lock (s_open)
        {
            s_open.Remove(full);
        }
    }

    /// <summary>True, with what the journal recorded, when the item of <paramref name="key"/> succeeded in an earlier run.</summary>
    public bool TryGetSucceeded(string key, out int status, out string? outFile, out string? sha256)
    {
        if (Key128.TryParse(key, out var k) && _succeeded.TryGetValue(k, out var done))
        {
            (status, outFile, sha256) = (done.Status, done.OutFile, done.Sha256);
            return true;
        }

        (status, outFile, sha256) = (0, null, null);
        return false;
    }

    /// <summary>
    /// Writes the line of a finished item (buffered): items with a key, not those replayed from the journal. An item
    /// with pages is written once, with the result that ends it, as succeeded only when every page succeeded.
    /// </summary>
    public void Append(WebBatchResult result)
    {
        if (result.ItemKey is null || result.FromJournal || result.MorePagesOfItem)
        {
            return;
        }

        var line = JournalRecord.Line(new JournalEntry
        {
            Index = result.Index,
            Key = result.ItemKey,
            Method = result.Method,
            Uri = result.RedactedUri,
            Status = result.StatusCode,
            Success = result.PagesSucceeded ?? result.Done,
            ErrorId = result.Error?.ErrorId,
            OutFile = result.OutFile,
            Sha256 = result.Sha256,
            FinishedUtc = DateTime.UtcNow,
        });
        lock (_gate)
        {
            if (!_closed)
            {
                Write(() =>
                {
                    _writer.Write(line);
                    _writer.Write('\n');
                });
            }
        }
    }

    /// <summary>Hands what was appended to the operating system: it survives the process (kill -9), not a power loss.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                Write(_writer.Flush);
            }
        }
    }

    /// <summary>A write to the journal; a failure (a full disk) is a <see cref="JournalException"/>: what is not journaled must not be emitted.</summary>
    private void Write(Action write)
    {
        if (_failed)
        {
            throw new JournalException(UnusableId, $"the journal '{Path}' could not be written earlier in this batch");
        }

        try
        {
            write();
        }
        catch (IOException ex)
        {
            _failed = true;
            throw Unwritable(ex);
        }
    }

    private JournalException Unwritable(IOException ex) => new(UnusableId,
        $"the journal '{Path}' could not be written ({ex.Message}); the items whose lines are missing run again when the batch is run again with it", ex);

    /// <summary>
    /// Flushes, syncs the file to disk, closes it and frees it for the next batch, whatever fails on the way. A write
    /// that fails here (and did not fail before) is thrown afterwards, once, as a <see cref="JournalException"/>.
    /// </summary>
    public void Close()
    {
        IOException? failure = null;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            try
            {
                if (!_failed)
                {
                    _writer.Flush();
                    _file.Flush(flushToDisk: true);
                }
            }
            catch (IOException ex)
            {
                _failed = true;
                failure = ex;
            }
            finally
            {
                // After a failed write the writer's buffer still holds the lines and its Dispose tries them again:
                // that failure is the one above. The lock is released whatever the disposing throws.
                try
                {
                    Quietly(_writer.Dispose);
                    Quietly(_file.Dispose);
                }
                finally
                {
                    if (_fullPath is not null)
                    {
                        Release(_fullPath);
                    }
                }
            }
        }

        if (failure is not null)
        {
            throw Unwritable(failure);
        }
    }

    private static void Quietly(Action dispose)
    {
        try
        {
            dispose();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Closes without throwing: for a batch that ends by an error or a stop, whose failure is the one reported.</summary>
    public void Dispose()
    {
        try
        {
            Close();
        }
        catch (JournalException)
        {
        }
    }

    /// <summary>What a skipped item's result says: the journal's status, file and hash.</summary>
    private sealed class Done
    {
        public Done(int status, string? outFile, string? sha256)
        {
            Status = status;
            OutFile = outFile;
            Sha256 = sha256;
        }

        public int Status { get; }
        public string? OutFile { get; }
        public string? Sha256 { get; }
    }
}
