using System;
using System.Collections.Generic;

namespace AsyncWeb.Requests;

/// <summary>
/// Which known name a misspelt one most likely meant: the nearest by edits (insert, delete, replace, or swap two
/// neighbours; case ignored), when it is close enough to be a slip rather than another word: one edit for a known
/// name of up to four letters (Uri, Body, Form), two for longer ones (Method, Headers, ContentType).
/// </summary>
internal static class NearestName
{
    /// <summary>The known name <paramref name="name"/> is a slip of, or null (also when it is one of them).</summary>
    public static string? Find(string name, IEnumerable<string> known)
    {
        string? nearest = null;
        var best = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(name, candidate);
            if (distance == 0)
            {
                return null;
            }

            if (distance <= Tolerance(candidate) && distance < best)
            {
                best = distance;
                nearest = candidate;
            }
        }

        return nearest;
    }

    /// <summary>How many edits away from <paramref name="known"/> a name still reads as its slip.</summary>
    public static int Tolerance(string known) => known.Length <= 4 ? 1 : 2;

    /// <summary>Edits from one name to the other, case-insensitive; a swap of two neighbouring letters is one edit.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }

                d[i, j] = value;
            }
        }

        return d[a.Length, b.Length];
    }
}
