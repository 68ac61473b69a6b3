using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AsyncWeb.Files;
using AsyncWeb.Resilience;

namespace AsyncWeb.Engine;

/// <summary>
/// Sends one request (through the resilience pipeline), follows redirects safely, enforces the
/// three timeouts and reads the body into memory or streams it to a file. Never throws for a
/// request failure: every outcome becomes a <see cref="WebBatchResult"/>.
/// </summary>
internal sealed class RequestRunner : IDisposable
{
    private const int CopyBufferSize = 128 * 1024;

    private readonly HttpClient _client;
    private readonly BatchOptions _options;
    private readonly ResilienceProvider _resilience;
    private readonly FileClaims _claims;
    private readonly Action<string>? _verbose;
    private long _bytesReceived;

    public RequestRunner(HttpClient client, BatchOptions options, FileClaims claims, Action<string>? verbose)
    {
        _client = client;
        _options = options;
        _claims = claims;
        _verbose = verbose;
        _resilience = new ResilienceProvider(options, verbose);
    }

    /// <summary>Releases the rate limiters' timers.</summary>
    public void Dispose() => _resilience.Dispose();

    /// <summary>Body bytes received by every request so far (for progress).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public async Task<WebBatchResult> RunAsync(RequestSpec spec, CancellationToken batchToken)
    {
        var result = new WebBatchResult
        {
            Index = spec.Index,
            Uri = spec.Uri,
            Method = spec.Method,
            Input = spec.Input,
            StartTime = DateTimeOffset.Now,
            Redactor = _options.Redactor,
        };
        var started = Stopwatch.GetTimestamp();
        _verbose?.Invoke($"#{spec.Index} {spec.Method} {_options.Redactor.Redact(spec.Uri)}");

        var outcome = await ExecuteAsync(spec, result, batchToken).ConfigureAwait(false);

        result.Elapsed = Stopwatch.GetElapsedTime(started);
        result.StatusCode = outcome.StatusCode;
        result.ReasonPhrase = outcome.ReasonPhrase;
        result.Headers = outcome.Headers;
        result.ContentType = outcome.ContentType;
        result.ContentLength = outcome.ContentLength;
        result.Content = outcome.Content;
        result.RawContent = outcome.RawContent;
        result.FinalUri = outcome.FinalUri;
        result.ProtocolVersion = outcome.ProtocolVersion;
        result.OutFile = outcome.OutFile;
        result.Sha256 = outcome.Sha256;
        result.Resumed = outcome.Resumed;
        result.Skipped = outcome.Skipped;
        result.Error = _options.Redactor.Redact(outcome.Failure); // a message may quote a redirect target
        _verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"#{spec.Index} {outcome.Describe()} in {result.Elapsed.TotalMilliseconds:0} ms, {result.ContentLength:N0} bytes, {result.Attempts} attempt(s): {_options.Redactor.Redact(spec.Uri)}"));
        return result;
    }

    private async Task<AttemptOutcome> ExecuteAsync(RequestSpec spec, WebBatchResult result, CancellationToken batchToken)
    {
        if (spec.OutFile is not null && File.Exists(spec.OutFile))
        {
            if (_options.ExistingFile == ExistingFileAction.Skip)
            {
                return new AttemptOutcome { Skipped = true, OutFile = spec.OutFile };
            }

            if (_options.ExistingFile == ExistingFileAction.Fail)
            {
                return FileExists(spec.OutFile);
            }
        }

        // The whole item, across attempts and the delays between them; distinct from the per-attempt TimeoutSec.
        using var total = CancellationTokenSource.CreateLinkedTokenSource(batchToken);
        if (_options.TotalTimeout > TimeSpan.Zero)
        {
            total.CancelAfter(_options.TotalTimeout);
        }

        try
        {
            return await _resilience.ExecuteAsync(spec, (s, ct) =>
            {
                result.Attempts++;
                return AttemptAsync(s, ct);
            }, total.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!batchToken.IsCancellationRequested && total.IsCancellationRequested)
        {
            return Fail(ErrorIds.TotalTimeout, FailureCategory.Timeout, string.Create(CultureInfo.InvariantCulture,
                $"the item did not complete within {_options.TotalTimeout.TotalSeconds:0.###} s across {result.Attempts} attempt(s) (TotalTimeoutSec)"), null);
        }
        catch (OperationCanceledException)
        {
            return Fail(ErrorIds.Canceled, FailureCategory.Canceled, "the batch was cancelled", null);
        }
        catch (ResilienceRefusedException refused)
        {
            return Fail(refused.ErrorId, FailureCategory.Refused, refused.Message, refused.InnerException);
        }
    }

    private async Task<AttemptOutcome> AttemptAsync(RequestSpec spec, CancellationToken batchToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(batchToken);
        var timers = new Timers(attempt, _options.OperationTimeout, _options.Timeout);

        // The first wait covers opening a connection too. On net8.0 the connect callback bounds DNS and
        // connect by ConnectTimeout, so a slow connect is reported as ConnectTimeout, never as server
        // silence; netstandard2.0's HttpClientHandler has no such callback, so there this allowance is
        // the only bound and a connect that never completes reads as OperationTimeout.
        timers.Start(_options.ConnectTimeout);
        try
        {
            return await SendAndReadAsync(spec, timers, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !batchToken.IsCancellationRequested)
        {
            if (ex is FileWriteException write)
            {
                return Fail(ErrorIds.FileWriteFailed, FailureCategory.File, write.Message, write.InnerException);
            }

            var (errorId, category, reason) = FailureClassifier.Classify(ex, timers.Fired(), _options.OperationTimeout, _options.Timeout);
            var outcome = Fail(errorId, category, reason, ex);
            outcome.Transient = category is FailureCategory.Connection or FailureCategory.Timeout && errorId != ErrorIds.DnsResolutionFailed;
            return outcome;
        }
    }

    private async Task<AttemptOutcome> SendAndReadAsync(RequestSpec spec, Timers timers, CancellationToken token)
    {
        var uri = spec.Uri;
        var method = spec.Method;
        var body = spec.Body;
        var sameOrigin = true;
        string? partialTarget = spec.OutFile is not null && _options.Resume ? spec.OutFile : null;
        long resumeFrom = 0;
        string? validator = null;
        if (partialTarget is not null)
        {
            (resumeFrom, validator) = ReadPartial(partialTarget);
        }

        for (var hop = 0; ; hop++)
        {
            using var message = BuildMessage(uri, method, body, spec, sameOrigin);
            if (resumeFrom > 0 && validator is not null)
            {
                message.Headers.Range = new RangeHeaderValue(resumeFrom, null);
                message.Headers.TryAddWithoutValidation("If-Range", validator);
            }

            var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            try
            {
                var status = (int)response.StatusCode;
                if (resumeFrom > 0 && (status == 416 || (status == 206 && !ContinuesAt(response, resumeFrom))))
                {
                    // The partial file is not a prefix the server can continue (or it sent some other range): start over cleanly.
                    AtomicFileWriter.DiscardPartial(partialTarget!);
                    resumeFrom = 0;
                    validator = null;
                    hop--; // a restart is not a redirect
                    continue;
                }

                var location = response.Headers.Location;
                if (IsRedirect(status) && location is not null && _options.MaximumRedirection > 0)
                {
                    if (hop >= _options.MaximumRedirection)
                    {
                        return Fail(ErrorIds.TooManyRedirects, FailureCategory.Protocol,
                            $"stopped after {_options.MaximumRedirection} redirect(s) (MaximumRedirection); the last pointed to {location.OriginalString}", null, response);
                    }

                    Uri next;
                    try
                    {
                        next = new Uri(uri, location);
                        _ = RequestSpec.KeyOf(next);
                    }
                    catch (UriFormatException ex)
                    {
                        return Fail(ErrorIds.InvalidRedirect, FailureCategory.Protocol, $"the server redirected to an unusable location: {ex.Message}", ex, response);
                    }

                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    {
                        return Fail(ErrorIds.InvalidRedirect, FailureCategory.Protocol, $"the server redirected to an unsupported scheme: {UriRedaction.Redact(next)}", null, response);
                    }

                    if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !_options.AllowInsecureRedirect)
                    {
                        return Fail(ErrorIds.InsecureRedirect, FailureCategory.Protocol,
                            $"refused to follow a redirect from HTTPS to HTTP ({UriRedaction.Redact(next)}); use -AllowInsecureRedirect to allow it", null, response);
                    }

                    if (status == 303 || ((status == 301 || status == 302) && method == "POST"))
                    {
                        method = method == "HEAD" ? "HEAD" : "GET";
                        body = null;
                    }

                    sameOrigin &= RequestSpec.SameOrigin(spec.Uri, next);
                    uri = next;
                    continue;
                }

                if (_options.Resume && spec.OutDirectory is not null && partialTarget is null && status == 200)
                {
                    // Into a directory the name arrives with the response: when a partial file of that name
                    // matches this response's validator, ask again for the rest only.
                    partialTarget = TargetIn(spec, response);
                    if (partialTarget is not null && !(File.Exists(partialTarget) && _options.ExistingFile != ExistingFileAction.Overwrite))
                    {
                        (resumeFrom, validator) = ReadPartial(partialTarget);
                        if (resumeFrom > 0 && validator == ValidatorOf(response) && AcceptsRanges(response))
                        {
                            hop--; // a second look, not a redirect
                            continue;
                        }
                    }

                    resumeFrom = 0;
                    validator = null;
                }

                timers.Restart();
                return await ReadResponseAsync(spec, response, uri, timers, resumeFrom, token).ConfigureAwait(false);
            }
            finally
            {
                response.Dispose();
            }
        }
    }

    private HttpRequestMessage BuildMessage(Uri uri, string method, byte[]? body, RequestSpec spec, bool sameOrigin)
    {
        var message = new HttpRequestMessage(new HttpMethod(method), uri)
        {
            Version = _options.HttpVersion,
#if NET
            VersionPolicy = _options.HttpVersion.Major >= 2 && uri.Scheme == Uri.UriSchemeHttp
                ? HttpVersionPolicy.RequestVersionExact
                : HttpVersionPolicy.RequestVersionOrLower,
#endif
        };
#if !NET
        // .NET Framework sends a body only after "Expect: 100-continue" is answered or 350 ms pass.
        message.Headers.ExpectContinue = false;
#endif
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            if (spec.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", spec.ContentType);
            }
        }

        AddHeaders(message, spec.Headers);
        if (sameOrigin)
        {
            AddHeaders(message, spec.SensitiveHeaders);
        }

        if (spec.OutFile is not null || spec.OutDirectory is not null)
        {
            // Bytes on disk should be the server's bytes, and resumable by Range.
            message.Headers.AcceptEncoding.Clear();
            message.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        }

        return message;
    }

    private static void AddHeaders(HttpRequestMessage message, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var header in headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value) && message.Content is not null)
            {
                message.Content.Headers.Remove(header.Key);
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    private async Task<AttemptOutcome> ReadResponseAsync(RequestSpec spec, HttpResponseMessage response, Uri finalUri, Timers timers, long resumeFrom, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        var outcome = new AttemptOutcome
        {
            StatusCode = status,
            ReasonPhrase = response.ReasonPhrase,
            Headers = CollectHeaders(response),
            ContentType = response.Content.Headers.ContentType?.ToString(),
            FinalUri = finalUri,
            ProtocolVersion = response.Version,
        };

        var isError = status >= 400;
        if (isError)
        {
            outcome.RetryAfter = Engine.RetryAfter.Read(response, DateTimeOffset.UtcNow);

            // Retried whether or not the status counts as an error, as Invoke-WebRequest does.
            outcome.Transient = _options.Retry.RetryStatusCodes.Contains(status);
            if (!_options.SkipHttpErrorCheck)
            {
                outcome.Failure = new WebBatchError(ErrorIds.HttpStatus, FailureCategory.HttpStatus,
                    $"the server answered {status} {response.ReasonPhrase}");
            }
        }

        var download = (spec.OutFile is not null || spec.OutDirectory is not null) && !isError && status != 304;
        if (download)
        {
            await DownloadAsync(spec, response, outcome, timers, resumeFrom, token).ConfigureAwait(false);
        }
        else
        {
            await ReadIntoMemoryAsync(response, outcome, timers, token).ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task ReadIntoMemoryAsync(HttpResponseMessage response, AttemptOutcome outcome, Timers timers, CancellationToken token)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > _options.MaxInMemoryBody)
        {
            outcome.Failure = new WebBatchError(ErrorIds.ResponseTooLarge, FailureCategory.Protocol,
                $"the body is {declared:N0} bytes, more than the {_options.MaxInMemoryBody:N0} kept in memory; use -OutFile or -OutDirectory");
            return;
        }

        using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        byte[] bytes;
        int length;
        if (declared is { } known)
        {
            bytes = known == 0 ? Array.Empty<byte>() : new byte[known];
            length = 0;
            while (length < bytes.Length)
            {
                timers.Restart();
                var n = await stream.ReadAsync(bytes.AsMemory(length), token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }
        }
        else
        {
            (bytes, length) = await ReadUnknownLengthAsync(stream, timers, token).ConfigureAwait(false);
            if (bytes.Length == 0 && length < 0)
            {
                outcome.Failure = new WebBatchError(ErrorIds.ResponseTooLarge, FailureCategory.Protocol,
                    $"the body is more than the {_options.MaxInMemoryBody:N0} bytes kept in memory; use -OutFile or -OutDirectory");
                return;
            }
        }

        Interlocked.Add(ref _bytesReceived, length);
        outcome.ContentLength = length;
        var mediaType = response.Content.Headers.ContentType;
        if (ContentDecoding.IsText(mediaType?.MediaType))
        {
            outcome.Content = ContentDecoding.Decode(bytes, length, mediaType?.CharSet);
        }
        else
        {
            outcome.RawContent = length == bytes.Length ? bytes : bytes.AsSpan(0, length).ToArray();
        }
    }

    private async Task<(byte[] Bytes, int Length)> ReadUnknownLengthAsync(Stream stream, Timers timers, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= _options.MaxInMemoryBody)
                    {
                        return (Array.Empty<byte>(), -1);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, Array.MaxLength));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                timers.Restart();
                var n = await stream.ReadAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                if (n == 0)
                {
                    return (buffer.AsSpan(0, length).ToArray(), length);
                }

                length += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task DownloadAsync(RequestSpec spec, HttpResponseMessage response, AttemptOutcome outcome, Timers timers, long resumeFrom, CancellationToken token)
    {
        var target = spec.OutFile ?? ChooseTarget(spec, response, outcome);
        if (target is null)
        {
            return;
        }

        outcome.OutFile = target;
        var status = (int)response.StatusCode;
        var resuming = resumeFrom > 0 && status == 206 && response.Content.Headers.ContentRange?.From == resumeFrom;
        AtomicFileWriter writer;
        try
        {
            if (!resuming && _options.Resume)
            {
                AtomicFileWriter.DiscardPartial(target);
            }

            writer = resuming
                ? await AtomicFileWriter.ContinueAsync(target, token).ConfigureAwait(false)
                : AtomicFileWriter.Create(target, resumable: _options.Resume);
            if (_options.Resume && !resuming)
            {
                SaveValidator(target, response);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException($"could not create the file '{target}': {ex.Message}", ex);
        }

        using (writer)
        {
            outcome.Resumed = resuming;
            using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await CopyToFileAsync(stream, writer, target, timers, token).ConfigureAwait(false);

            outcome.ContentLength = writer.BytesWritten;
            var hash = writer.HashHex();
            if (spec.ExpectedSha256 is not null && !string.Equals(hash, spec.ExpectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                writer.Abort();
                AtomicFileWriter.DiscardPartial(target);
                outcome.Failure = new WebBatchError(ErrorIds.HashMismatch, FailureCategory.File,
                    $"the SHA-256 of the body is {hash}, expected {spec.ExpectedSha256.ToUpperInvariant()}; '{target}' was not written");
                return;
            }

            try
            {
                writer.Commit(overwrite: _options.ExistingFile == ExistingFileAction.Overwrite);
            }
            catch (IOException) when (File.Exists(target) && _options.ExistingFile != ExistingFileAction.Overwrite)
            {
                var exists = FileExists(target);
                outcome.Failure = exists.Failure;
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FileWriteException($"could not move the download into place at '{target}': {ex.Message}", ex);
            }

            outcome.Sha256 = hash;
        }
    }

    /// <summary>
    /// Copies the body to the file with two pooled buffers: while one chunk is hashed and written on
    /// the thread pool, the next is read from the network (hashing alone runs at about the speed of
    /// loopback I/O, so doing both in turn halves throughput).
    /// </summary>
    private async Task CopyToFileAsync(Stream stream, AtomicFileWriter writer, string target, Timers timers, CancellationToken token)
    {
        var current = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var spare = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var pending = Task.CompletedTask;
        try
        {
            while (true)
            {
                timers.Restart();
                var n = await stream.ReadAsync(current.AsMemory(0, CopyBufferSize), token).ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                Interlocked.Add(ref _bytesReceived, n);
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
        Task.Run(async () =>
        {
            try
            {
                await writer.WriteAsync(buffer.AsMemory(0, count), token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FileWriteException($"writing '{target}' failed: {ex.Message}", ex);
            }
        }, token);

    private string? ChooseTarget(RequestSpec spec, HttpResponseMessage response, AttemptOutcome outcome)
    {
        var name = TargetName(spec, response);
        string target;
        try
        {
            target = FileNameSanitizer.CombineInside(spec.OutDirectory!, name);
        }
        catch (InvalidOperationException ex)
        {
            outcome.Failure = new WebBatchError(ErrorIds.InvalidOutFile, FailureCategory.File, ex.Message);
            return null;
        }

        if (!_claims.TryClaim(target, spec.Index, out var owner))
        {
            outcome.Failure = new WebBatchError(ErrorIds.DuplicateOutFile, FailureCategory.File,
                $"'{target}' is already the target of item {owner} in this batch");
            return null;
        }

        if (File.Exists(target))
        {
            switch (_options.ExistingFile)
            {
                case ExistingFileAction.Skip:
                    outcome.Skipped = true;
                    outcome.OutFile = target;
                    return null;
                case ExistingFileAction.Fail:
                    outcome.Failure = FileExists(target).Failure;
                    return null;
            }
        }

        return target;
    }

    /// <summary>The file name for -OutDirectory: Content-Disposition, else the URL's last segment, else a derived one; always sanitised.</summary>
    private static string TargetName(RequestSpec spec, HttpResponseMessage response)
    {
        var disposition = response.Content.Headers.ContentDisposition;
        return FileNameSanitizer.Sanitize(disposition?.FileNameStar)
            ?? FileNameSanitizer.Sanitize(Unquote(disposition?.FileName))
            ?? FileNameSanitizer.Sanitize(Uri.UnescapeDataString(spec.Uri.Segments.Length > 0 ? spec.Uri.Segments[^1] : string.Empty))
            ?? FileNameSanitizer.Derive(spec.Uri);
    }

    private static string? TargetIn(RequestSpec spec, HttpResponseMessage response)
    {
        try
        {
            return FileNameSanitizer.CombineInside(spec.OutDirectory!, TargetName(spec, response));
        }
        catch (InvalidOperationException)
        {
            return null; // ChooseTarget reports it
        }
    }

    private static (long Length, string? Validator) ReadPartial(string target)
    {
        try
        {
            var partial = new FileInfo(AtomicFileWriter.PartialPathFor(target));
            var validatorPath = AtomicFileWriter.ValidatorPathFor(target);
            if (!partial.Exists || partial.Length == 0 || !File.Exists(validatorPath))
            {
                return (0, null);
            }

            var validator = File.ReadAllText(validatorPath).Trim();
            return validator.Length == 0 ? (0, null) : (partial.Length, validator);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (0, null);
        }
    }

    private static void SaveValidator(string target, HttpResponseMessage response)
    {
        var validator = ValidatorOf(response);
        var path = AtomicFileWriter.ValidatorPathFor(target);
        if (validator is null || !AcceptsRanges(response))
        {
            File.Delete(path);
            return;
        }

        File.WriteAllText(path, validator);
    }

    /// <summary>What If-Range can carry: a strong ETag, else Last-Modified.</summary>
    private static string? ValidatorOf(HttpResponseMessage response) =>
        response.Headers.ETag is { IsWeak: false } etag ? etag.Tag
            : response.Content.Headers.LastModified is { } modified ? modified.ToString("R", CultureInfo.InvariantCulture)
            : null;

    private static bool AcceptsRanges(HttpResponseMessage response) =>
        response.Headers.AcceptRanges.Contains("bytes", StringComparer.OrdinalIgnoreCase);

    /// <summary>True when a 206 carries exactly the rest of the file from <paramref name="from"/>.</summary>
    private static bool ContinuesAt(HttpResponseMessage response, long from) =>
        response.Content.Headers.ContentRange is { From: { } start, To: { } end } range
        && start == from
        && (!range.HasLength || end == range.Length - 1);

    private static IReadOnlyDictionary<string, string[]> CollectHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
#if NET
        foreach (var header in response.Headers.NonValidated)
        {
            headers[header.Key] = ToArray(header.Value);
        }

        foreach (var header in response.Content.Headers.NonValidated)
        {
            headers[header.Key] = ToArray(header.Value);
        }
#else
        // No raw view of the headers before .NET 5: these are the parsed values, which read the same for well-formed headers.
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }

        foreach (var header in response.Content.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }
#endif

        return headers;
    }

#if NET
    private static string[] ToArray(HeaderStringValues values)
    {
        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return array;
    }
#endif

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static string? Unquote(string? value) =>
        value is { Length: >= 2 } && value[0] == '"' && value[^1] == '"' ? value.Substring(1, value.Length - 2) : value;

    private static AttemptOutcome FileExists(string path) =>
        Fail(ErrorIds.FileExists, FailureCategory.File, $"the file '{path}' already exists; use -Force to overwrite it or -SkipExisting to keep it", null);

    private static AttemptOutcome Fail(string errorId, FailureCategory category, string message, Exception? exception, HttpResponseMessage? response = null) =>
        new()
        {
            StatusCode = response is null ? 0 : (int)response.StatusCode,
            ReasonPhrase = response?.ReasonPhrase,
            Failure = new WebBatchError(errorId, category, message, exception),
        };

    /// <summary>
    /// The two deadlines of an attempt on one cancellation source: the silence (operation) deadline,
    /// pushed back whenever the server sends something, and the fixed whole-attempt deadline. One
    /// timer is armed for whichever comes first; which one fired is told by the clock afterwards.
    /// </summary>
    private sealed class Timers
    {
        private static readonly long s_tolerance = Stopwatch.Frequency / 50;
        private readonly CancellationTokenSource _source;
        private readonly TimeSpan _silence;
        private readonly long _requestDeadline;

        public Timers(CancellationTokenSource source, TimeSpan silence, TimeSpan request)
        {
            _source = source;
            _silence = silence;
            _requestDeadline = request > TimeSpan.Zero
                ? Stopwatch.GetTimestamp() + (long)(request.TotalSeconds * Stopwatch.Frequency)
                : long.MaxValue;
        }

        /// <summary>The server said something: the silence deadline starts again.</summary>
        public void Restart() => Arm(_silence);

        /// <summary>Before the request: the silence allowance also covers opening a connection.</summary>
        public void Start(TimeSpan connectAllowance) => Arm(_silence > TimeSpan.Zero ? _silence + connectAllowance : TimeSpan.Zero);

        public TimerFired Fired()
        {
            if (!_source.IsCancellationRequested)
            {
                return TimerFired.None;
            }

            return _requestDeadline != long.MaxValue && Stopwatch.GetTimestamp() >= _requestDeadline - s_tolerance
                ? TimerFired.Request
                : TimerFired.Operation;
        }

        private void Arm(TimeSpan silence)
        {
            var now = Stopwatch.GetTimestamp();
            var due = silence > TimeSpan.Zero ? now + (long)(silence.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
            if (_requestDeadline < due)
            {
                due = _requestDeadline;
            }

            if (due == long.MaxValue)
            {
                return;
            }

            var wait = TimeSpan.FromSeconds(Math.Max(due - now, 1) / (double)Stopwatch.Frequency);
            try
            {
                _source.CancelAfter(wait);
            }
            catch (ObjectDisposedException)
            {
                // The attempt already ended.
            }
        }
    }

    /// <summary>Marks a local file failure, so it is not mistaken for a network one.</summary>
    private sealed class FileWriteException : IOException
    {
        public FileWriteException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
