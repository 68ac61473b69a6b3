using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AsyncWeb.TestServer;

/// <summary>
/// An API's error answers: /problem/{code} answers that status with a JSON body naming the problem, as APIs
/// explain a 422. ?echoAuth=1 echoes the request's Authorization header in it (a careless API), ?pad=n adds n
/// characters, ?charset=iso-8859-1 encodes it (and says so) in Latin-1. /problem/{code}/paged is a first page
/// whose next page is that error.
/// </summary>
internal static class ProblemEndpoints
{
    public static void MapProblemEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/problem/{code:int:range(400,599)}", (HttpContext c, int code) => Problem(c, code));

        // A first page whose next page (Link rel=next) is /problem/{code}: an API failing mid-way through its pages.
        app.Map("/problem/{code:int:range(400,599)}/paged", (HttpContext c, int code) =>
        {
            c.Response.Headers.Link = $"</problem/{code}>; rel=\"next\"";
            c.Response.ContentType = "application/json";
            return c.Response.WriteAsync("{\"items\":[1]}");
        });
    }

    private static async Task Problem(HttpContext c, int code)
    {
        var query = c.Request.Query;
        var text = new StringBuilder("{\"error\":\"name is required\",\"détail\":\"café\"");
        if (query.ContainsKey("echoAuth"))
        {
            text.Append(",\"seen\":\"").Append(c.Request.Headers.Authorization.ToString()).Append('"');
        }

        if (int.TryParse(query["pad"], out var pad) && pad > 0)
        {
            text.Append(",\"pad\":\"").Append('x', pad).Append('"');
        }

        text.Append('}');
        var charset = query["charset"].ToString() is { Length: > 0 } given ? given : "utf-8";
        var encoding = Encoding.GetEncoding(charset);
        var bytes = encoding.GetBytes(text.ToString());
        c.Response.StatusCode = code;
        c.Response.ContentType = "application/json; charset=" + charset;
        c.Response.ContentLength = bytes.Length;
        await c.Response.Body.WriteAsync(bytes);
    }
}
