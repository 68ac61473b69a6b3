using System;
using System.Collections.Generic;

namespace AsyncWeb.Requests;

/// <summary>
/// A dictionary body on GET or HEAD goes into the query string, as Invoke-RestMethod puts it there:
/// key=value pairs, URL-encoded (<see cref="BodyEncoding.FormEncode"/>), appended to an existing query with &amp;.
/// </summary>
internal static class QueryString
{
    /// <summary><paramref name="uri"/> with <paramref name="pairs"/> added to its query (before any fragment); unchanged when there are none.</summary>
    public static Uri Append(Uri uri, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var encoded = BodyEncoding.FormEncode(pairs);
        if (encoded.Length == 0)
        {
            return uri;
        }

        var text = uri.AbsoluteUri;
        var hash = text.IndexOf('#');
        var fragment = hash >= 0 ? text.Substring(hash) : string.Empty;
        var beforeFragment = hash >= 0 ? text.Substring(0, hash) : text;
        var separator = !beforeFragment.Contains('?') ? "?" : beforeFragment.EndsWith("?", StringComparison.Ordinal) || beforeFragment.EndsWith("&", StringComparison.Ordinal) ? string.Empty : "&";
        return new Uri(beforeFragment + separator + encoded + fragment);
    }
}
