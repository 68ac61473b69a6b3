using System;
using System.IO;

namespace AsyncWeb;

/// <summary>
/// Text for the table views (AsyncWeb.format.ps1xml), which must fit 120 columns: a long URI keeps its host and
/// its end (the query, the file name), the middle gives way.
/// </summary>
public static class WebBatchView
{
    private const string Ellipsis = "\u2026";

    /// <summary>
    /// <paramref name="uri"/> (and " -> <paramref name="outFile"/>" when there is one) in at most <paramref name="width"/>
    /// characters: whole when it fits, else the file by its name, the URI without its scheme, and the middle of its path as "…"
    /// (the URI keeps at least half the width, the file name the rest).
    /// </summary>
    public static string Fit(string? uri, string? outFile, int width)
    {
        uri ??= string.Empty;
        var whole = string.IsNullOrEmpty(outFile) ? uri : uri + " -> " + outFile;
        if (whole.Length <= width || width < 8)
        {
            return whole;
        }

        if (string.IsNullOrEmpty(outFile))
        {
            return Shorten(uri, width);
        }

        // The file's name, not its folder (often the same for a whole batch); the URI keeps at least half the width.
        var name = Path.GetFileName(outFile);
        var shown = Shorten(uri, Math.Max(width / 2, width - name.Length - 4));
        return shown + " -> " + Tail(name, width - shown.Length - 4);
    }

    private static string Shorten(string uri, int width)
    {
        if (uri.Length <= width)
        {
            return uri;
        }

        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme < 0 ? uri : uri.Substring(scheme + 3);
        if (rest.Length <= width)
        {
            return rest;
        }

        var slash = rest.IndexOf('/');
        var host = slash < 0 ? rest : rest.Substring(0, slash);
        var path = slash < 0 ? string.Empty : rest.Substring(slash);
        var hostWidth = Math.Min(host.Length, Math.Max(width * 3 / 5, width - path.Length));
        var shownHost = host.Length <= hostWidth ? host : host.Substring(0, hostWidth - 1) + Ellipsis;
        return shownHost + Tail(path, width - shownHost.Length);
    }

    /// <summary>The end of <paramref name="text"/> in at most <paramref name="width"/> characters, "…" first when cut.</summary>
    private static string Tail(string text, int width) =>
        text.Length <= width ? text : width <= 1 ? Ellipsis : Ellipsis + text.Substring(text.Length - (width - 1));
}
