using System;
using AsyncWeb.Requests;
using AsyncWeb.Security;

namespace AsyncWeb.Sending;

/// <summary>One request as sent on one hop of a redirect chain.</summary>
/// <param name="Uri">Where this hop goes.</param>
/// <param name="Method">The method of this hop (a 303 turns POST into GET).</param>
/// <param name="SendsBody">False once a redirect dropped the body.</param>
/// <param name="SameOrigin">True while every hop stayed on the first URI's origin: only then do credentials go along.</param>
internal sealed record Hop(Uri Uri, string Method, bool SendsBody, bool SameOrigin)
{
    /// <summary>
    /// The first hop: the item's own URI, method and body. Credentials go along when it is on the origin they
    /// belong to, the item's first URI (<see cref="RequestSpec.Origin"/>): always, except for a next page elsewhere.
    /// </summary>
    public static Hop First(RequestSpec spec) => new(spec.Uri, spec.Method, true, RequestSpec.SameOrigin(spec.Origin, spec.Uri));
}

/// <summary>What to do with a response: answer with it, follow its redirect, or refuse.</summary>
internal enum RedirectAction
{
    /// <summary>Not a redirect that is followed: this response is the answer.</summary>
    Answer,
    /// <summary>Send the next hop.</summary>
    Follow,
    /// <summary>Fail the attempt with <see cref="RedirectDecision.ErrorId"/>.</summary>
    Refuse,
}

/// <summary>The decision about one response, made by <see cref="RedirectPolicy.Decide"/>.</summary>
internal sealed record RedirectDecision(RedirectAction Action, Hop? Next = null, string? ErrorId = null, string? Message = null)
{
    public static readonly RedirectDecision Answer = new(RedirectAction.Answer);
}

/// <summary>
/// Pure redirect rules: which statuses are followed, where the next hop goes, when the method
/// changes and the body is dropped, when credentials stay behind, and what is refused (too many
/// hops, an unusable or non-http(s) location, HTTPS to HTTP without permission).
/// </summary>
internal static class RedirectPolicy
{
    public static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    /// <param name="origin">The item's own URI: credentials go only where it goes.</param>
    /// <param name="current">The hop that got this response.</param>
    /// <param name="status">The response's status.</param>
    /// <param name="location">The response's Location, if any.</param>
    /// <param name="followed">Redirects followed so far.</param>
    /// <param name="maximumRedirection">Most redirects to follow; 0 answers with the 3xx itself.</param>
    /// <param name="allowInsecureRedirect">Follow HTTPS → HTTP.</param>
    public static RedirectDecision Decide(Uri origin, Hop current, int status, Uri? location, int followed, int maximumRedirection, bool allowInsecureRedirect)
    {
        if (!IsRedirect(status) || location is null || maximumRedirection <= 0)
        {
            return RedirectDecision.Answer;
        }

        Uri next;
        try
        {
            next = Resolve(current.Uri, location);
        }
        catch (UriFormatException ex)
        {
            return Refuse(ErrorIds.InvalidRedirect, $"the server redirected to an unusable location: {ex.Message}");
        }

        if (followed >= maximumRedirection)
        {
            return Refuse(ErrorIds.TooManyRedirects,
                $"stopped after {maximumRedirection} redirect(s) (MaximumRedirection); the last pointed to {UriRedaction.Redact(next)}");
        }

        if (Refusal(current.Uri, next, allowInsecureRedirect, ErrorIds.InvalidRedirect, "redirect") is { } refusal)
        {
            return refusal;
        }

        var becomesGet = status == 303 || ((status == 301 || status == 302) && current.Method == "POST");
        var method = becomesGet && current.Method != "HEAD" ? "GET" : current.Method;
        var nextHop = new Hop(next, method, current.SendsBody && !becomesGet, current.SameOrigin && RequestSpec.SameOrigin(origin, next));
        return new RedirectDecision(RedirectAction.Follow, nextHop);
    }

    /// <summary>
    /// A link of a response (a Location, a next page) as an absolute URI against the response's own URI; throws
    /// UriFormatException for one that is unusable, an international host name that is not valid included.
    /// </summary>
    public static Uri Resolve(Uri current, Uri link)
    {
        var next = new Uri(current, link);
        _ = HostKey.Of(next);
        return next;
    }

    /// <summary>
    /// Where a link may lead from <paramref name="current"/>, for a redirect and a next page alike: only to http or
    /// https (else <paramref name="unusableErrorId"/>), and from HTTPS to HTTP only with -AllowInsecureRedirect
    /// (InsecureRedirect). Null when the link may be followed.
    /// </summary>
    public static RedirectDecision? Refusal(Uri current, Uri next, bool allowInsecureRedirect, string unusableErrorId, string what)
    {
        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
        {
            return Refuse(unusableErrorId, $"the {what} leads to an unsupported scheme: {UriRedaction.Redact(next)}");
        }

        if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !allowInsecureRedirect)
        {
            return Refuse(ErrorIds.InsecureRedirect,
                $"refused to follow a {what} from HTTPS to HTTP ({UriRedaction.Redact(next)}); use -AllowInsecureRedirect to allow it");
        }

        return null;
    }

    private static RedirectDecision Refuse(string errorId, string message) => new(RedirectAction.Refuse, ErrorId: errorId, Message: message);
}
