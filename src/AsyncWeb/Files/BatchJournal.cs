using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using AsyncWeb.Engine;

namespace AsyncWeb.Files;

/// <summary>Why a journal cannot be used: the terminating error's id and a message naming the file.</summary>
internal sealed class JournalException : Exception
{
    public JournalException(string errorId, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}

/// <summary>
/// -JournalPath: an append-only record of finished items (<see cref="JournalRecord"/>), so that a batch killed
/// (Ctrl+C, kill -9, a crash) and run again sends only what had not succeeded. Opened once per batch, by one writer
/// (the file is locked against other writers); read first: the items that succeeded are remembered by key, a torn
/// last line (a process killed mid-write) is cut off, and the run id of the first line is kept for -IdempotencyKey.
/// Lines are appended by the one thread that emits results, and reach the operating system (a write, no fsync)
/// before their results are emitted; the file is synced to disk when the batch ends.
/// </summary>
internal sealed class BatchJournal : IResultJournal
{
    public const string UnusableId = "JournalUnusable";
    public const string InvalidId = "InvalidJournal";

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly HashSet<string> s_open = new(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly FileStream _file;
    private string? _fullPath;
    private readonly StreamWriter _writer;
    private readonly Dictionary<Key128, Done> _succeeded;
    private bool _closed;

    private BatchJournal(string path, FileStream file, string runId, Dictionary<Key128, Done> succeeded, int unreadable, bool tornTail)
    {
        Path = path;
        _file = file;
        RunId = runId;
        _succeeded = succeeded;
        UnreadableLines = unreadable;
        TornTail = tornTail;
        _writer = new StreamWriter(file, s_utf8, 64 * 1024) { AutoFlush = false, NewLine = "\n" };
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
    public static BatchJournal Open(string path, string? runId)
    {
        var full = System.IO.Path.GetFullPath(path);
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
            var journal = Read(path, file, runId);
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
            Success = result.PagesSucceeded ?? result.Success,
            ErrorId = result.Error?.ErrorId,
            OutFile = result.OutFile,
            Sha256 = result.Sha256,
            FinishedUtc = DateTime.UtcNow,
        });
        lock (_gate)
        {
            if (!_closed)
            {
                _writer.Write(line);
                _writer.Write('\n');
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
                _writer.Flush();
            }
        }
    }

    /// <summary>Flushes, syncs the file to disk, and closes it.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            try
            {
                _writer.Flush();
                _file.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // A full disk at the very end: the lines flushed before are in the file.
            }
            finally
            {
                _writer.Dispose();
                if (_fullPath is not null)
                {
                    Release(_fullPath);
                }
            }
        }
    }

    public void Dispose() => Close();

    private static BatchJournal Read(string path, FileStream file, string? runId)
    {
        var succeeded = new Dictionary<Key128, Done>();
        var unreadable = 0;
        string? journalRunId = null;

        // Everything after the last newline is a torn line (a process killed mid-write): never read, then cut off.
        var complete = EndOfLastLine(file);
        var bytes = file.Length;
        if (complete == 0 && bytes > 0 && !StartsLikeJournal(file))
        {
            throw new JournalException(InvalidId, $"'{path}' is not an AsyncWeb journal; give -JournalPath a new file or an AsyncWeb journal");
        }

        file.Position = 0;
        using (var reader = new StreamReader(new ReadOnlyWindow(file, complete), s_utf8, detectEncodingFromByteOrderMarks: false, 64 * 1024))
        {
            var first = true;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (first)
                {
                    first = false;
                    if (!JournalRecord.TryParseHeader(line, out var id))
                    {
                        throw new JournalException(InvalidId, $"'{path}' is not an AsyncWeb journal (its first line is not one); give -JournalPath a new file or an AsyncWeb journal");
                    }

                    journalRunId = id;
                    continue;
                }

                if (JournalRecord.TryParse(line, out var entry))
                {
                    if (entry.Success && Key128.TryParse(entry.Key, out var key))
                    {
                        succeeded[key] = new Done(entry.Status, entry.OutFile, entry.Sha256);
                    }
                }
                else if (line.Trim().Length > 0)
                {
                    unreadable++;
                }
            }
        }

        var torn = complete < bytes;
        if (runId is not null && journalRunId is not null && !string.Equals(runId, journalRunId, StringComparison.Ordinal))
        {
            throw new JournalException("ConflictingParameters",
                $"-RunId '{runId}' differs from the run id '{journalRunId}' of the journal '{path}'; leave -RunId out to continue that journal's run");
        }

        try
        {
            // A torn last line (killed mid-write) is cut off, so the next line starts on a line of its own.
            if (torn)
            {
                file.SetLength(complete);
            }

            file.Seek(0, SeekOrigin.End);
            var journal = new BatchJournal(path, file, journalRunId ?? runId ?? ItemKeys.NewRunId(), succeeded, unreadable, torn);
            if (journalRunId is null)
            {
                journal._writer.Write(JournalRecord.Header(journal.RunId, DateTime.UtcNow));
                journal._writer.Write('\n');
                journal._writer.Flush();
            }

            return journal;
        }
        catch (IOException ex)
        {
            throw new JournalException(UnusableId, $"the journal '{path}' cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>The length of the file up to and including its last newline (0 when it has none).</summary>
    private static long EndOfLastLine(FileStream file)
    {
        var buffer = new byte[4096];
        for (var end = file.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            var read = 0;
            while (read < end - start)
            {
                var n = file.Read(buffer, read, (int)(end - start) - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            for (var i = read - 1; i >= 0; i--)
            {
                if (buffer[i] == (byte)'\n')
                {
                    return start + i + 1;
                }
            }

            end = start;
        }

        return 0;
    }

    /// <summary>A file without a complete line is a journal torn in its header only when it begins like one.</summary>
    private static bool StartsLikeJournal(FileStream file)
    {
        var prefix = s_utf8.GetBytes("{\"asyncwebJournal\"");
        var head = new byte[prefix.Length];
        file.Position = 0;
        var read = file.Read(head, 0, head.Length);
        for (var i = 0; i < read; i++)
        {
            if (head[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
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

    /// <summary>The first <c>length</c> bytes of the journal, for its reader; leaves the file open.</summary>
    private sealed class ReadOnlyWindow : ReadOnlyStream
    {
        private readonly FileStream _file;
        private long _left;

        public ReadOnlyWindow(FileStream file, long length)
        {
            _file = file;
            _left = length;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = _file.Read(buffer, offset, (int)Math.Min(count, _left));
            _left -= n;
            return n;
        }

        public override System.Threading.Tasks.Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult(Read(buffer, offset, count));
    }

    /// <summary>An item key (32 hex digits) as two numbers: a million remembered items cost 16 MB of keys, not 90.</summary>
    private readonly struct Key128 : IEquatable<Key128>
    {
        private readonly ulong _high;
        private readonly ulong _low;

        private Key128(ulong high, ulong low)
        {
            _high = high;
            _low = low;
        }

        public static bool TryParse(string text, out Key128 key)
        {
            key = default;
            if (text.Length != 32
                || !ulong.TryParse(text.Substring(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
                || !ulong.TryParse(text.Substring(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
            {
                return false;
            }

            key = new Key128(high, low);
            return true;
        }

        public bool Equals(Key128 other) => _high == other._high && _low == other._low;

        public override bool Equals(object? obj) => obj is Key128 other && Equals(other);

        public override int GetHashCode() => (_high ^ _low).GetHashCode();
    }
}
