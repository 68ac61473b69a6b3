using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using AsyncWeb.Batch;
using AsyncWeb.Bodies;
using AsyncWeb.Connections;
using AsyncWeb.Downloads;
using AsyncWeb.Requests;
using AsyncWeb.Timeouts;
using AsyncWeb.Tracing;

namespace AsyncWeb.Sending;

/// <summary>
/// Builds the HttpRequestMessage of one hop: version (<see cref="HttpVersionChoice"/>), body and its Content-Type, the item's headers
/// (credentials only on the same origin), the Accept-Encoding its target wants (identity for a file, the
/// decodable codings for memory), and Range/If-Range
/// when a partial download is continued.
/// </summary>
internal sealed class RequestMessageFactory
{
    /// <summary>The header of draft-ietf-httpapi-idempotency-key-header, as Stripe and others read it.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly Version? _pinnedVersion;
    private readonly TransferCounter _sent;

    public RequestMessageFactory(BatchOptions options, TransferCounter sent)
    {
        _pinnedVersion = options.HttpVersion;
        _sent = sent;
    }

    /// <param name="spec">The item.</param>
    /// <param name="hop">Where this request goes, and whether it carries the body and credentials.</param>
    /// <param name="resume">The partial download it continues, if any.</param>
    /// <param name="deadline">The attempt's deadlines: the body's bytes count as activity, and are counted.</param>
    /// <param name="traceParent">The attempt's traceparent header; null when the batch sends none or the item's headers carry their own.</param>
    public HttpRequestMessage Create(RequestSpec spec, Hop hop, ResumePoint? resume, AttemptDeadline deadline, string? traceParent)
    {
        var version = HttpVersionChoice.For(_pinnedVersion, hop.Uri);
        var message = new HttpRequestMessage(MethodOf(hop.Method), hop.Uri)
        {
            Version = version.Version,
#if NET
            VersionPolicy = version.Exact ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
#endif
        };
#if !NET
        // .NET Framework sends a body only after "Expect: 100-continue" is answered or 350 ms pass.
        message.Headers.ExpectContinue = false;
#endif
        if (hop.SendsBody && CreateBody(spec) is { } body)
        {
            message.Content = new MeteredContent(body, deadline, _sent);
        }

        AddHeaders(message, spec.Headers);
        if (hop.SameOrigin)
        {
            AddHeaders(message, spec.SensitiveHeaders);
        }

        if (spec.IdempotencyKey is not null && !message.Headers.Contains(IdempotencyHeader))
        {
            // -IdempotencyKey: the same value on every attempt and every re-run of the item; a header the user gave wins.
            message.Headers.TryAddWithoutValidation(IdempotencyHeader, spec.IdempotencyKey);
        }

        if (traceParent is not null)
        {
            message.Headers.TryAddWithoutValidation(TraceParent.HeaderName, traceParent);
        }

        if (!message.Headers.Contains("Accept-Encoding"))
        {
            // Bytes on disk are the server's bytes, resumable by Range in the same unit (as curl -o); bodies
            // read into memory are decoded (ContentEncodingDecoder), so they may come compressed. Nothing else is
            // appended: the connection pool decodes nothing. A header the user gave is sent as given.
            message.Headers.TryAddWithoutValidation("Accept-Encoding", spec.IsDownload ? ContentEncodingDecoder.Identity : ContentEncodingDecoder.Offered);
        }

        if (resume is not null)
        {
            message.Headers.Range = new RangeHeaderValue(resume.Length, null);
            message.Headers.TryAddWithoutValidation("If-Range", resume.Validator);
        }

        return message;
    }

    /// <summary>The runtime's own instance of a standard method (no object per request; the handler knows it by reference), else a new one.</summary>
    private static HttpMethod MethodOf(string method) => method switch
    {
        "GET" => HttpMethod.Get,
        "HEAD" => HttpMethod.Head,
        "POST" => HttpMethod.Post,
        "PUT" => HttpMethod.Put,
        "DELETE" => HttpMethod.Delete,
        "OPTIONS" => HttpMethod.Options,
        _ => new HttpMethod(method),
    };

    /// <summary>The body of one request: the bytes, or a fresh stream of the upload (a file that cannot be read throws InvalidInFile).</summary>
    private static HttpContent? CreateBody(RequestSpec spec)
    {
        if (spec.Upload is not null)
        {
            return spec.Upload.CreateContent();
        }

        if (spec.Body is null)
        {
            return null;
        }

        var content = new ByteArrayContent(spec.Body);
        if (spec.ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", spec.ContentType);
        }

        return content;
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
}
