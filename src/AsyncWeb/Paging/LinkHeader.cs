using System;
using System.Collections.Generic;
using System.Text;

namespace AsyncWeb.Paging;

/// <summary>One link of a Link header: its target as written (not yet resolved) and its relation types, in lower case.</summary>
internal sealed record LinkValue(string Target, IReadOnlyList<string> Relations);

/// <summary>
/// Pure parser of Link response headers (RFC 8288), for -FollowRelLink: several headers, several links in
/// one header, commas inside &lt;URI&gt; and quoted strings, a quoted rel with several space-separated
/// relation types, any other parameters ignored. Only the first rel of a link counts; the first link with a
/// relation wins, as in Invoke-RestMethod. A link-value it cannot read is skipped, never an error.
/// </summary>
internal static class LinkHeader
{
    /// <summary>Every readable link of the header values, in order.</summary>
    public static IReadOnlyList<LinkValue> Parse(IEnumerable<string>? headerValues)
    {
        var links = new List<LinkValue>();
        if (headerValues is null)
        {
            return links;
        }

        foreach (var value in headerValues)
        {
            if (!string.IsNullOrEmpty(value))
            {
                ParseOne(value, links);
            }
        }

        return links;
    }

    /// <summary>The target of the first link with relation <paramref name="relation"/> (any letter case), or null.</summary>
    public static string? Find(IEnumerable<string>? headerValues, string relation)
    {
        foreach (var link in Parse(headerValues))
        {
            foreach (var rel in link.Relations)
            {
                if (string.Equals(rel, relation, StringComparison.OrdinalIgnoreCase))
                {
                    return link.Target;
                }
            }
        }

        return null;
    }

    private static void ParseOne(string s, List<LinkValue> links)
    {
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && (s[i] == ',' || IsSpace(s[i])))
            {
                i++;
            }

            if (i >= s.Length)
            {
                return;
            }

            if (s[i] != '<')
            {
                i = SkipValue(s, i);
                continue;
            }

            var close = s.IndexOf('>', i + 1);
            if (close < 0)
            {
                return;
            }

            var target = s.Substring(i + 1, close - i - 1).Trim();
            i = close + 1;
            var (relations, next, readable) = ReadParameters(s, i);
            i = next;

            // An empty target would be the page itself: Invoke-RestMethod ignores it, and so does this parser.
            if (readable && target.Length > 0)
            {
                links.Add(new LinkValue(target, relations));
            }
        }
    }

    /// <summary>The ;-parameters of one link-value up to its comma: the first rel's relation types.</summary>
    private static (IReadOnlyList<string> Relations, int Next, bool Readable) ReadParameters(string s, int i)
    {
        IReadOnlyList<string>? relations = null;
        while (true)
        {
            i = SkipSpace(s, i);
            if (i >= s.Length)
            {
                return (relations ?? Array.Empty<string>(), i, true);
            }

            if (s[i] == ',')
            {
                return (relations ?? Array.Empty<string>(), i + 1, true);
            }

            if (s[i] != ';')
            {
                return (Array.Empty<string>(), SkipValue(s, i), false);
            }

            i = SkipSpace(s, i + 1);
            var start = i;
            while (i < s.Length && s[i] is not ('=' or ';' or ',') && !IsSpace(s[i]))
            {
                i++;
            }

            var name = s.Substring(start, i - start);
            i = SkipSpace(s, i);
            string? value = null;
            if (i < s.Length && s[i] == '=')
            {
                i = SkipSpace(s, i + 1);
                (value, i) = i < s.Length && s[i] == '"' ? ReadQuoted(s, i) : ReadToken(s, i);
            }

            if (relations is null && value is not null && string.Equals(name, "rel", StringComparison.OrdinalIgnoreCase))
            {
                relations = value.ToLowerInvariant().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    private static (string Value, int Next) ReadQuoted(string s, int i)
    {
        var text = new StringBuilder();
        for (i++; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                text.Append(s[++i]);
            }
            else if (s[i] == '"')
            {
                return (text.ToString(), i + 1);
            }
            else
            {
                text.Append(s[i]);
            }
        }

        return (text.ToString(), i);
    }

    private static (string Value, int Next) ReadToken(string s, int i)
    {
        var start = i;
        while (i < s.Length && s[i] is not (';' or ',') && !IsSpace(s[i]))
        {
            i++;
        }

        return (s.Substring(start, i - start), i);
    }

    /// <summary>Past the comma that ends an unreadable link-value (commas in quotes and brackets do not count).</summary>
    private static int SkipValue(string s, int i)
    {
        var quoted = false;
        var bracketed = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '<')
            {
                bracketed = true;
            }
            else if (c == '>')
            {
                bracketed = false;
            }
            else if (c == ',' && !bracketed)
            {
                return i + 1;
            }
        }

        return i;
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && IsSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t';
}
