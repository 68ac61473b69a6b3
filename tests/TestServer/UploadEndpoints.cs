using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AsyncWeb.TestServer;

/// <summary>
/// Endpoints that read request bodies the way real upload targets do: a retried upload whose every attempt is
/// measured, and a multipart/form-data body parsed part by part by ASP.NET Core's streaming MultipartReader.
/// Bodies are hashed as they arrive, never kept whole, so a 1 GiB upload costs the server no memory.
/// </summary>
internal static class UploadEndpoints
{
    private const int ValueLimit = 64 * 1024;   // text kept of a part without a file name; length and hash cover all of it

    private static readonly ConcurrentDictionary<string, List<BodyReceived>> _attempts = new(StringComparer.Ordinal);

    public static void MapUploadEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/retry-body/{key}", (HttpContext c, string key) => RetryBody(c, key));
        app.Map("/retry-body/{key}/attempts", (HttpContext c, string key) => Endpoints.WriteJson(c, new { key, attempts = Attempts(key) }));
        app.Map("/multipart", Multipart);
        app.Map("/read-slowly", ReadSlowly);
        app.Map("/upload/{name}", Upload);
    }

    /// <summary>/upload/{name}: takes a body of any method (README's upload recipe PUTs files) and answers with its name, length and SHA-256.</summary>
    private static async Task Upload(HttpContext c, string name)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await c.Request.Body.ReadAsync(buffer, c.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        await Endpoints.WriteJson(c, new { name, method = c.Request.Method, length, sha256 = Convert.ToHexString(hash.GetHashAndReset()) });
    }

    /// <summary>
    /// /read-slowly?seconds=S: reads a body of known length evenly over S seconds (as a slow disk or link would),
    /// then answers at once with its length, SHA-256 and how long reading took.
    /// </summary>
    private static async Task ReadSlowly(HttpContext c)
    {
        double seconds = double.TryParse(c.Request.Query["seconds"], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 1;
        long expected = Math.Max(c.Request.ContentLength ?? 1, 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await c.Request.Body.ReadAsync(buffer, c.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
            var due = TimeSpan.FromSeconds(seconds * total / expected) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, c.RequestAborted);
            }
        }

        await Endpoints.WriteJson(c, new { length = total, sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()), elapsedMs = (long)clock.Elapsed.TotalMilliseconds });
    }

    /// <summary>/retry-body/{key}?failures=1&amp;status=503: reads the whole body, records its length and hash, and fails the first N calls per key.</summary>
    private static async Task RetryBody(HttpContext c, string key)
    {
        var (length, sha256) = await HashAsync(c.Request.Body, keep: null, c.RequestAborted);
        var attempts = _attempts.GetOrAdd(key, static _ => new List<BodyReceived>());
        int attempt;
        lock (attempts)
        {
            attempts.Add(new BodyReceived(length, sha256));
            attempt = attempts.Count;
        }

        long failures = long.TryParse(c.Request.Query["failures"], out var f) ? f : 1;
        int status = int.TryParse(c.Request.Query["status"], out var s) ? s : 503;
        await Endpoints.WriteJson(c, new { key, attempt, length, sha256 }, attempt <= failures ? status : 200);
    }

    private static BodyReceived[] Attempts(string key)
    {
        if (!_attempts.TryGetValue(key, out var attempts))
        {
            return Array.Empty<BodyReceived>();
        }

        lock (attempts)
        {
            return attempts.ToArray();
        }
    }

    /// <summary>/multipart: each part of a multipart/form-data body with its name, file name, content type, length and SHA-256.</summary>
    private static async Task Multipart(HttpContext c)
    {
        if (!MediaTypeHeaderValue.TryParse(c.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            await Endpoints.WriteJson(c, new { error = "expected multipart/form-data with a boundary", contentType = c.Request.ContentType }, 400);
            return;
        }

        var parts = new List<object?>();
        var reader = new MultipartReader(boundary, c.Request.Body) { BodyLengthLimit = null };
        while (await reader.ReadNextSectionAsync(c.RequestAborted) is { } section)
        {
            ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition);
            string? fileName = disposition?.FileNameStar.Value ?? HeaderUtilities.RemoveQuotes(disposition?.FileName ?? default).Value;
            using var kept = fileName is null ? new MemoryStream() : null;
            var (length, sha256) = await HashAsync(section.Body, kept, c.RequestAborted);
            parts.Add(new
            {
                name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value,
                fileName,
                contentType = section.ContentType,
                length,
                sha256,
                value = kept is null ? null : Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length),
            });
        }

        await Endpoints.WriteJson(c, new { contentType = c.Request.ContentType, contentLength = c.Request.ContentLength, parts });
    }

    private static async Task<(long Length, string Sha256)> HashAsync(Stream body, MemoryStream? keep, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (keep is not null && keep.Length < ValueLimit)
            {
                keep.Write(buffer, 0, (int)Math.Min(read, ValueLimit - keep.Length));
            }

            total += read;
        }

        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private sealed record BodyReceived(long Length, string Sha256);
}
