using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// Paginated APIs (issue 13): pages linked by Link headers (/pages/link) or by a link in the JSON body
/// (/pages/json), numbered by ?page= from 1. Every page tells what it received (Authorization, Cookie, Host),
/// so a test can see where credentials went; options make the hostile cases (loops, another origin, links
/// that differ in more than the page number).
/// </summary>
internal static class PageEndpoints
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void MapPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/pages/link", LinkPages);
        app.Map("/pages/json", JsonPages);
        app.Map("/pages/hostile/{kind}", HostilePage);
    }

    /// <summary>
    /// /pages/hostile/{kind}: a first page whose answer about the next pages cannot be used. surrogate: a JSON
    /// "next" (and "meta.total") that is a lone UTF-16 surrogate.
    /// total?value=V: "meta": {"total": V} written as is (1e30, 9223372036854775807, ...).
    /// </summary>
    private static Task HostilePage(HttpContext c)
    {
        var kind = (string?)c.Request.RouteValues["kind"];
        var body = kind switch
        {
            "surrogate" => "{\"next\": \"\\ud800\", \"meta\": {\"total\": \"\\ud800\"}}",
            "total" => "{\"meta\": {\"total\": " + c.Request.Query["value"] + "}}",
            _ => "{}",
        };
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(body, c.RequestAborted);
    }

    /// <summary>
    /// /pages/link?count=N&amp;page=K: page K of N with Link rel="next" (unless last), "prev", "first", and with
    /// last=1 rel="last" (the second-to-last page's next link is then one link with rel="next last"). Options in
    /// <see cref="Page"/>; split=1 sends each link in a Link header of its own instead of one header.
    /// </summary>
    private static async Task LinkPages(HttpContext c)
    {
        var page = await Page.ReadAsync(c);
        var links = new List<string>();
        bool last = c.Request.Query["last"] == "1";
        if (page.Next is { } next)
        {
            // A title with a comma and a semicolon in quotes, which a parser must not split on.
            string rel = last && page.Number + 1 == page.Count ? "next last" : "next";
            links.Add($"<{next}>; rel=\"{rel}\"; title=\"page {page.Number + 1}, of {page.Count}; next\"");
        }

        if (page.Number > 1)
        {
            links.Add($"<{page.Link(page.Number - 1)}>; rel=prev");
        }

        links.Add($"<{page.Link(1)}>; rel=\"first\"");
        if (last && !(page.Next is not null && page.Number + 1 == page.Count))
        {
            string lastLink = page.Link(page.Count);
            links.Add($"<{(c.Request.Query["lastExtra"] == "1" ? lastLink + "&extra=1" : lastLink)}>; rel=\"last\"");
        }

        if (c.Request.Query["split"] == "1")
        {
            c.Response.Headers.Link = links.ToArray();
        }
        else
        {
            c.Response.Headers.Link = string.Join(", ", links);
        }

        await page.WriteAsync(c, new Dictionary<string, object?>());
    }

    /// <summary>
    /// /pages/json?count=N&amp;page=K&amp;style=S: the next link in the body, by style: next (a "next" property,
    /// null on the last page), nested ("links": {"next"}), odata ("@odata.nextLink", left out on the last page).
    /// Every page has "meta": {"total": N × size, "page": K} for -TotalCount.
    /// </summary>
    private static async Task JsonPages(HttpContext c)
    {
        var page = await Page.ReadAsync(c);
        var body = new Dictionary<string, object?>
        {
            ["meta"] = new { total = page.Count * page.Size, page = page.Number },
        };
        switch (c.Request.Query["style"].ToString())
        {
            case "nested":
                body["links"] = new Dictionary<string, object?> { ["next"] = page.Next, ["self"] = page.Link(page.Number) };
                break;
            case "odata":
                if (page.Next is not null)
                {
                    body["@odata.nextLink"] = page.Next;
                }

                break;
            default:
                body["next"] = page.Next;
                break;
        }

        await page.WriteAsync(c, body);
    }

    /// <summary>
    /// One page of a paginated answer. Query: count (pages, default 3), page (from 1), size (items a page, default 2),
    /// delayMs (wait first), relative=1 (links relative to the page), loopTo=J (the last page's next link points back
    /// to page J), crossAt=K (the link to page K uses the host name localhost: another origin), failAt=K (page K answers 500, with its
    /// body and links), pad=N (a "pad" property of N characters: big pages), type=T (the Content-Type instead of JSON's), dripMs=N with slowFrom=K (pages K and later send
    /// their body in 64 KiB pieces N ms apart: pages still being read while others end). Every other query parameter is
    /// carried along by every link, as APIs carry their filters.
    /// </summary>
    private sealed class Page
    {
        private HttpContext _context = null!;

        public int Count { get; private set; }
        public int Number { get; private set; }
        public int Size { get; private set; }
        public string? Next { get; private set; }

        public static async Task<Page> ReadAsync(HttpContext c)
        {
            var page = new Page
            {
                _context = c,
                Count = (int)Query(c, "count", 3),
                Number = (int)Query(c, "page", 1),
                Size = (int)Query(c, "size", 2),
            };
            long delay = Query(c, "delayMs", 0);
            if (delay > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delay), c.RequestAborted);
            }

            if (Query(c, "failAt", 0) == page.Number)
            {
                c.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            if (page.Number < page.Count)
            {
                page.Next = page.Link(page.Number + 1);
            }
            else if (Query(c, "loopTo", 0) is > 0 and var loopTo)
            {
                page.Next = page.Link((int)loopTo);
            }

            return page;
        }

        /// <summary>The link to page <paramref name="number"/>: the same path and options, absolute unless relative=1.</summary>
        public string Link(int number)
        {
            var request = _context.Request;
            var query = new StringBuilder();
            foreach (var (name, values) in request.Query)
            {
                if (name != "page")
                {
                    query.Append(query.Length == 0 ? "?" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(values.ToString()));
                }
            }

            query.Append(query.Length == 0 ? "?" : "&").Append("page=").Append(number.ToString(CultureInfo.InvariantCulture));
            if (Query(_context, "crossAt", 0) == number)
            {
                return $"{request.Scheme}://localhost:{request.Host.Port}{request.Path}{query}";
            }

            return request.Query["relative"] == "1"
                ? $"{request.Path}{query}"
                : $"{request.Scheme}://{request.Host}{request.Path}{query}";
        }

        /// <summary>The page's items and what it received, with the style's own properties.</summary>
        public Task WriteAsync(HttpContext c, Dictionary<string, object?> body)
        {
            var items = Enumerable.Range(1, Size).Select(i => $"p{Number}-{i}").ToArray();
            if (Query(c, "pad", 0) is > 0 and var pad)
            {
                body["pad"] = new string('x', (int)Math.Min(pad, 64L * 1024 * 1024));
            }

            body["page"] = Number;
            body[c.Request.Query["style"] == "odata" ? "value" : "items"] = items;
            body["received"] = new Dictionary<string, string?>
            {
                ["authorization"] = c.Request.Headers.Authorization.Count > 0 ? c.Request.Headers.Authorization.ToString() : null,
                ["cookie"] = c.Request.Headers.Cookie.Count > 0 ? c.Request.Headers.Cookie.ToString() : null,
                ["host"] = c.Request.Host.Value,
            };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, _json);
            c.Response.ContentType = c.Request.Query["type"] is { Count: > 0 } type ? type.ToString() : "application/json; charset=utf-8";
            c.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsHead(c.Request.Method))
            {
                return Task.CompletedTask;
            }

            return Query(c, "dripMs", 0) is > 0 and var drip && Number >= Query(c, "slowFrom", 1)
                ? DripAsync(c, bytes, TimeSpan.FromMilliseconds(drip))
                : c.Response.Body.WriteAsync(bytes, c.RequestAborted).AsTask();
        }

        /// <summary>The body in 64 KiB pieces with a pause before each: a page that is still being read for a while.</summary>
        private static async Task DripAsync(HttpContext c, byte[] bytes, TimeSpan pause)
        {
            for (var offset = 0; offset < bytes.Length; offset += 65536)
            {
                await Task.Delay(pause, c.RequestAborted);
                await c.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(65536, bytes.Length - offset)), c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
            }
        }

        private static long Query(HttpContext c, string name, long fallback) =>
            long.TryParse(c.Request.Query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : fallback;
    }
}
