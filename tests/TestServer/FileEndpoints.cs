using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Files that change on the server and honour conditional requests (issue 13, -IfChanged): each name has a
/// version (1 at first) that /files/{name}/touch raises, and its ETag, Last-Modified and bytes follow the version.
/// If-None-Match (weak comparison, or *) and, without it, If-Modified-Since get 304 Not Modified and no body.
/// </summary>
internal static class FileEndpoints
{
    private static readonly DateTimeOffset _epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ConcurrentDictionary<string, Counter> _versions = new(StringComparer.Ordinal);

    public static void MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/files/{name}", (HttpContext c, string name) => File(c, name));
        app.Map("/files/{name}/touch", (HttpContext c, string name) =>
        {
            long version = Interlocked.Increment(ref Version(name).Value);
            return c.Response.WriteAsJsonAsync(new { name, version });
        });
    }

    /// <summary>
    /// /files/{name}[?size=N][&amp;validators=both|etag|lastmodified|none][&amp;weak=1][&amp;filename=X]: N bytes (default
    /// 1000) of the pattern from offset version - 1, so every version differs; ETag "name-vV" (W/ with weak=1) and
    /// Last-Modified epoch + V minutes as asked; filename=X adds Content-Disposition. Ranges as /bytes (strong ETag).
    /// </summary>
    private static Task File(HttpContext c, string name)
    {
        long version = Volatile.Read(ref Version(name).Value);
        long size = long.TryParse(c.Request.Query["size"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1000;
        string validators = c.Request.Query["validators"].ToString() is { Length: > 0 } v ? v : "both";
        string opaque = $"\"{name}-v{version}\"";
        string etag = c.Request.Query["weak"] == "1" ? "W/" + opaque : opaque;
        var modified = _epoch.AddMinutes(version);
        var response = c.Response;
        bool sendsEtag = validators is "both" or "etag";
        bool sendsModified = validators is "both" or "lastmodified";
        if (sendsEtag)
        {
            response.Headers.ETag = etag;
        }

        if (sendsModified)
        {
            response.Headers.LastModified = modified.ToString("R", CultureInfo.InvariantCulture);
        }

        if (NotModified(c.Request, sendsEtag ? opaque : null, sendsModified ? modified : null))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        if (c.Request.Query["filename"].ToString() is { Length: > 0 } filename)
        {
            response.Headers.ContentDisposition = $"attachment; filename=\"{filename}\"";
        }

        response.ContentType = "application/octet-stream";
        long start = 0, length = size;
        if (sendsEtag && !Endpoints.TrySelectRange(c, size, etag, out start, out length))
        {
            return Task.CompletedTask;
        }

        response.ContentLength = length;
        return HttpMethods.IsHead(c.Request.Method)
            ? Task.CompletedTask
            : Pattern.WriteAsync(response.Body, version - 1 + start, length, Pattern.ChunkSize, flushEachChunk: false, c.RequestAborted);
    }

    /// <summary>RFC 9110: If-None-Match decides when present (weak comparison); else If-Modified-Since, to the second.</summary>
    private static bool NotModified(HttpRequest request, string? opaqueEtag, DateTimeOffset? modified)
    {
        string ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0)
        {
            if (opaqueEtag is null)
            {
                return false;
            }

            foreach (string tag in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == opaqueEtag)
                {
                    return true;
                }
            }

            return false;
        }

        return modified is { } lastModified
            && DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            && lastModified <= since;
    }

    private static Counter Version(string name) => _versions.GetOrAdd(name, static _ => new Counter { Value = 1 });
}
