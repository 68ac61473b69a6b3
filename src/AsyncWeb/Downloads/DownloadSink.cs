using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Bodies;
using AsyncWeb.Timeouts;

namespace AsyncWeb.Downloads;

/// <summary>
/// Streams a body to its target, byte for byte as received: into a temporary (or -Resume partial) file
/// beside it, hashed (SHA-256) on the way when a hash is expected or asked for, checked against the
/// expected one, then renamed into place. Local file failures surface as <see cref="FileWriteException"/>.
/// </summary>
internal sealed class DownloadSink
{
    private const int CopyBufferSize = 256 * 1024;
    private readonly ExistingFileAction _existing;
    private readonly bool _resume;
    private readonly TransferCounter _received;
    private readonly StaleTempFiles _stale = new();

    public DownloadSink(ExistingFileAction existing, bool resume, TransferCounter received)
    {
        _existing = existing;
        _resume = resume;
        _received = received;
    }

    /// <param name="target">Where the body goes (a writing decision).</param>
    /// <param name="response">The response whose body is written.</param>
    /// <param name="resume">The partial file the request asked to continue, if any.</param>
    /// <param name="expectedSha256">The hash the body must have, upper case, if any.</param>
    /// <param name="computeSha256">Hash the body for the result even when no hash is expected (-ComputeSha256).</param>
    /// <param name="deadline">Restarted before each read: the server's silence is what counts.</param>
    public async Task<DownloadResult> WriteAsync(string target, HttpResponseMessage response, ResumePoint? resume, string? expectedSha256, bool computeSha256, AttemptDeadline deadline)
    {
        var hash = computeSha256 || expectedSha256 is not null;
        var token = deadline.Token;
        var resuming = ResumeState.Continues((int)response.StatusCode, response.Content.Headers.ContentRange, resume);
        AtomicFileWriter writer;
        try
        {
            _stale.SweepOnce(Path.GetDirectoryName(target)!);
            if (!resuming && _resume)
            {
                ResumeState.Discard(target);
            }

            writer = resuming
                ? await AtomicFileWriter.ContinueAsync(target, hash, token).ConfigureAwait(false)
                : AtomicFileWriter.Create(target, resumable: _resume, hash);
            if (_resume && !resuming)
            {
                ResumeState.SaveValidator(target, response);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException($"could not create the file '{target}': {ex.Message}", ex);
        }

        using (writer)
        {
            // The bytes as received: the request asked for no encoding, and nothing is decoded on the way to disk.
            using var stream = await ResponseBodyStream.OpenAsync(response, token).ConfigureAwait(false);
            await CopyAsync(stream, writer, target, deadline).ConfigureAwait(false);

            var sha = writer.HashHex();
            if (expectedSha256 is not null && !string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                writer.Abort();
                ResumeState.Discard(target);
                return new DownloadResult(target, writer.BytesWritten, null, resuming, new WebBatchError(ErrorIds.HashMismatch, FailureCategory.File,
                    $"the SHA-256 of the body is {sha}, expected {expectedSha256.ToUpperInvariant()}; '{target}' was not written"));
            }

            try
            {
                writer.Commit(overwrite: _existing == ExistingFileAction.Overwrite);
            }
            catch (IOException) when (File.Exists(target) && _existing != ExistingFileAction.Overwrite)
            {
                return new DownloadResult(target, writer.BytesWritten, null, resuming, DownloadTargets.Exists(target));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FileWriteException($"could not move the download into place at '{target}': {ex.Message}", ex);
            }

            return new DownloadResult(target, writer.BytesWritten, sha, resuming);
        }
    }

    /// <summary>
    /// Copies the body to the file with two pooled buffers: while one chunk is written (and hashed, when
    /// asked) on the thread pool, the next is read from the network (hashing alone runs at about the
    /// speed of loopback I/O, so doing both in turn halves throughput).
    /// </summary>
    private async Task CopyAsync(Stream stream, AtomicFileWriter writer, string target, AttemptDeadline deadline)
    {
        var token = deadline.Token;
        var current = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var spare = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var pending = Task.CompletedTask;
        try
        {
            while (true)
            {
                deadline.Restart();
                var n = await stream.ReadAsync(current.AsMemory(0, CopyBufferSize), token).ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                _received.Add(n);
                pending = WriteChunkAsync(writer, current, n, target, token);
                (current, spare) = (spare, current);
            }
        }
        finally
        {
            // A buffer goes back to the pool only when no write still uses it.
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception) when (!pending.IsCompletedSuccessfully)
            {
                // Already surfaced by the loop, or superseded by the exception leaving it.
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(spare);
        }
    }

    private static Task WriteChunkAsync(AtomicFileWriter writer, byte[] buffer, int count, string target, CancellationToken token) =>
        Task.Run(() =>
        {
            try
            {
                writer.Write(buffer, count);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FileWriteException($"writing '{target}' failed: {ex.Message}", ex);
            }
        }, token);
}
