using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace AsyncWeb.Paging;

/// <summary>
/// Pure rules of numbered pages (-PageParameter): the page number a URI's query carries, the URI of another
/// page, and when the pages still to come are known exactly, so they can be fetched concurrently. Pages are
/// numbered from 1; a first URI without the parameter is page 1.
/// </summary>
internal static class PageNumbers
{
    /// <summary>The value of <paramref name="parameter"/> in the query, when it is a whole number (its first occurrence); else null.</summary>
    public static long? Read(Uri uri, string parameter)
    {
        foreach (var (name, value) in Pairs(uri))
        {
            if (name == parameter)
            {
                return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="uri"/> with <paramref name="parameter"/> set to <paramref name="number"/>: every occurrence's value
    /// replaced, or the pair appended when the query has none. The rest of the query stays as written; the fragment is dropped.
    /// </summary>
    public static Uri With(Uri uri, string parameter, long number)
    {
        var query = uri.Query.Length > 0 ? uri.Query.Substring(1) : string.Empty;
        var text = new StringBuilder();
        var replaced = false;
        foreach (var pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append('&');
            }

            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair.Substring(0, equals);
            if (Unescape(name) == parameter)
            {
                text.Append(name).Append('=').Append(number.ToString(CultureInfo.InvariantCulture));
                replaced = true;
            }
            else
            {
                text.Append(pair);
            }
        }

        if (!replaced)
        {
            text.Append(text.Length > 0 ? "&" : string.Empty).Append(Uri.EscapeDataString(parameter)).Append('=').Append(number.ToString(CultureInfo.InvariantCulture));
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path) + "?" + text);
    }

    /// <summary>
    /// The pages a first page's rel="next" and rel="last" links announce, when that is exact: both carry the page
    /// number, the next is the page after <paramref name="current"/> (when the current page's URI carries a number
    /// too), the last is not before it, and the two URIs differ in nothing but that number (their query pairs compared in any order). Otherwise null, and
    /// the pages are followed one by one.
    /// </summary>
    public static PageRange? FromLinks(Uri current, Uri next, Uri last, string parameter)
    {
        if (Read(next, parameter) is not { } first || Read(last, parameter) is not { } final || final < first || first < 1)
        {
            return null;
        }

        if (Read(current, parameter) is { } here && here + 1 != first)
        {
            return null;
        }

        return SameApartFrom(next, last, parameter) ? new PageRange(With(next, parameter, first), parameter, first, final) : null;
    }

    /// <summary>Same scheme, host, port and path, and the same query pairs in any order, apart from <paramref name="parameter"/>.</summary>
    private static bool SameApartFrom(Uri a, Uri b, string parameter)
    {
        if (!string.Equals(a.GetLeftPart(UriPartial.Path), b.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
        {
            return false;
        }

        var left = new List<(string, string)>();
        var right = new List<(string, string)>();
        foreach (var pair in Pairs(a))
        {
            if (pair.Name != parameter)
            {
                left.Add(pair);
            }
        }

        foreach (var pair in Pairs(b))
        {
            if (pair.Name != parameter)
            {
                right.Add(pair);
            }
        }

        left.Sort();
        right.Sort();
        return left.SequenceEqual(right);
    }

    /// <summary>
    /// The pages after the first when it says how many records there are: <paramref name="total"/> records,
    /// <paramref name="pageSize"/> a page, so the last page is ⌈total / size⌉ (at least 1). The first page is the
    /// number its URI carries, else 1. Null when the first page is already the last.
    /// </summary>
    public static PageRange? FromTotal(Uri current, string parameter, long total, int pageSize)
    {
        var here = Read(current, parameter) ?? 1;
        var last = Math.Max(1, (total / pageSize) + (total % pageSize == 0 ? 0 : 1));
        return here >= last ? null : new PageRange(With(current, parameter, here + 1), parameter, here + 1, last);
    }

    private static IEnumerable<(string Name, string Value)> Pairs(Uri uri)
    {
        var query = uri.Query.Length > 0 ? uri.Query.Substring(1) : string.Empty;
        foreach (var pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            yield return equals < 0 ? (Unescape(pair), string.Empty) : (Unescape(pair.Substring(0, equals)), Unescape(pair.Substring(equals + 1)));
        }
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
