using System;

namespace AsyncWeb.Requests;

/// <summary>
/// The sets of request methods the engine decides by (RFC 9110 §9.2), in one place: which are safe (no
/// Idempotency-Key needed), which may be retried without one, and whose dictionary body becomes the query string.
/// </summary>
internal static class HttpMethods
{
    /// <summary>GET, HEAD, OPTIONS and TRACE: asking, not changing; they get no Idempotency-Key.</summary>
    public static bool IsSafe(string method) =>
        Is(method, "GET") || Is(method, "HEAD") || Is(method, "OPTIONS") || Is(method, "TRACE");

    /// <summary>The safe methods, PUT and DELETE: sending one twice has the effect of sending it once, so they are retried.</summary>
    public static bool IsIdempotent(string method) => IsSafe(method) || Is(method, "PUT") || Is(method, "DELETE");

    /// <summary>GET and HEAD, whose dictionary body goes into the query string (as Invoke-RestMethod puts it there).</summary>
    public static bool TakesBodyAsQuery(string method) => Is(method, "GET") || Is(method, "HEAD");

    private static bool Is(string method, string name) => string.Equals(method, name, StringComparison.OrdinalIgnoreCase);
}
