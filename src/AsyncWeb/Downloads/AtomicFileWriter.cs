using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Downloads;

/// <summary>
/// Writes a download beside its target and renames it into place only when complete, so no
/// truncated file ever stands under the final name. Hashes (SHA-256) while writing when asked to:
/// hashing costs about a core-second per GiB, which nobody should pay for a hash nobody asked for.
/// </summary>
internal sealed class AtomicFileWriter : IDisposable
{
    /// <summary>Suffix of the partial file that -Resume continues; other downloads use a unique temporary name.</summary>
    public const string PartialSuffix = ".asyncweb-partial";

    /// <summary>Suffix of the temporary file a download is written to before the rename.</summary>
    public const string TempSuffix = ".asyncweb-tmp";

    private const string ValidatorSuffix = ".validator";

    // NAME_MAX of common file systems, in UTF-8 bytes.
    private const int MaxNameBytes = 255;

    private readonly FileStream _stream;
    private readonly IncrementalHash? _hash;
    private readonly bool _keepOnAbort;
    private bool _done;
    private string? _hashHex;

    private AtomicFileWriter(string target, string tempPath, FileStream stream, IncrementalHash? hash, long existing, bool keepOnAbort)
    {
        Target = target;
        TempPath = tempPath;
        _stream = stream;
        _hash = hash;
        _keepOnAbort = keepOnAbort;
        BytesWritten = existing;
    }

    public string Target { get; }
    public string TempPath { get; }

    /// <summary>Bytes in the file so far, including a resumed prefix.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The partial file of <paramref name="target"/>: the same on every run, and a legal name however long the target's is.</summary>
    public static string PartialPathFor(string target)
    {
        var name = Path.GetFileName(target);
        if (Encoding.UTF8.GetByteCount(name) + PartialSuffix.Length + ValidatorSuffix.Length <= MaxNameBytes)
        {
            return target + PartialSuffix;
        }

        // A long name: its prefix plus a short hash of the whole, so the partial file still fits NAME_MAX.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4).ToLowerInvariant();
        var room = MaxNameBytes - PartialSuffix.Length - ValidatorSuffix.Length - hash.Length - 1;
        return Path.Combine(Path.GetDirectoryName(target)!, FileNameSanitizer.TruncateUtf8(name, room) + "-" + hash + PartialSuffix);
    }

    /// <summary>
    /// A unique temporary name beside the target, .&lt;name&gt;.&lt;pid&gt;.&lt;random&gt;.asyncweb-tmp: the process id
    /// lets a later run tell a file whose process is gone (<see cref="StaleTempFiles"/>).
    /// </summary>
    internal static string TempPathFor(string target)
    {
        var suffix = "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + TempSuffix;
        var name = FileNameSanitizer.TruncateUtf8(Path.GetFileName(target), MaxNameBytes - 1 - suffix.Length);
        return Path.Combine(Path.GetDirectoryName(target)!, "." + name + suffix);
    }

    /// <summary>The process id in a temporary file's name, when the name is of <see cref="TempPathFor"/>'s making.</summary>
    public static bool TryParseTempOwner(string fileName, out int processId)
    {
        processId = 0;
        if (!fileName.StartsWith(".", StringComparison.Ordinal) || !fileName.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = fileName.Substring(0, fileName.Length - TempSuffix.Length).Split('.');
        return parts.Length >= 4
            && parts[parts.Length - 1].Length == 8
            && int.TryParse(parts[parts.Length - 2], NumberStyles.None, CultureInfo.InvariantCulture, out processId)
            && processId > 0;
    }

    /// <summary>
    /// Starts a fresh temporary file. With <paramref name="resumable"/> it has the well-known partial name and
    /// survives failure; with <paramref name="hash"/> what is written is hashed.
    /// </summary>
    public static AtomicFileWriter Create(string target, bool resumable, bool hash)
    {
        var temp = resumable ? PartialPathFor(target) : TempPathFor(target);
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None);
        return new AtomicFileWriter(target, temp, stream, hash ? NewHash() : null, 0, resumable);
    }

    /// <summary>Continues the partial file of <paramref name="target"/>; with <paramref name="hash"/> its existing bytes are hashed first.</summary>
    public static async Task<AtomicFileWriter> ContinueAsync(string target, bool hash, CancellationToken cancellationToken)
    {
        var temp = PartialPathFor(target);
        var sha = hash ? NewHash() : null;
        if (sha is not null)
        {
            using var read = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var buffer = new byte[128 * 1024];
            int n;
            while ((n = await read.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, n);
            }
        }

        var stream = new FileStream(temp, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
        return new AtomicFileWriter(target, temp, stream, sha, stream.Length, keepOnAbort: true);
    }

    /// <summary>
    /// Writes a chunk, adding it to the hash when hashing. Synchronous, for a caller already on the thread pool:
    /// the stream's own WriteAsync would queue a second work item per chunk to do the same write.
    /// </summary>
    public void Write(byte[] buffer, int count)
    {
        _hash?.AppendData(buffer, 0, count);
        _stream.Write(buffer, 0, count);
        BytesWritten += count;
    }

    /// <summary>SHA-256 of everything written, hex upper case, or null when not hashing; ask once the body is complete (it ends the hashing).</summary>
    public string? HashHex() => _hash is null ? null : _hashHex ??= Convert.ToHexString(_hash.GetHashAndReset());

    private static IncrementalHash NewHash() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>
    /// Flushes to the operating system and renames into place; fails with IOException when the target
    /// exists and overwrite is off. No fsync: the rename protects against failures of this process
    /// (errors, timeouts, Ctrl+C), as curl and Invoke-WebRequest do; forcing every file to the device
    /// cost a third of the throughput of large downloads and most of many small ones.
    /// </summary>
    public void Commit(bool overwrite)
    {
        _stream.Flush(flushToDisk: false);
        _stream.Dispose();
        File.Move(TempPath, Target, overwrite);
        _done = true;
        DeleteQuietly(ValidatorPathFor(Target));
    }

    /// <summary>Removes the temporary file (a resumable partial file is kept).</summary>
    public void Abort()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // A failed flush (disk full) must not keep the temporary file alive.
        }

        if (!_keepOnAbort)
        {
            DeleteQuietly(TempPath);
        }
    }

    /// <summary>Throws away a partial file and its validator (the server's copy changed or ranges are unsupported).</summary>
    public static void DiscardPartial(string target)
    {
        DeleteQuietly(PartialPathFor(target));
        DeleteQuietly(ValidatorPathFor(target));
    }

    /// <summary>Where the ETag or Last-Modified of a partial download is kept for If-Range.</summary>
    public static string ValidatorPathFor(string target) => PartialPathFor(target) + ValidatorSuffix;

    public void Dispose()
    {
        Abort();
        _hash?.Dispose();
    }

    /// <summary>Deletes a file if it is there; a failure to delete is ignored (the file is then only stale).</summary>
    internal static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
