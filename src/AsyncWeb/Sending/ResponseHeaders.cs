using System;
using System.Collections.Generic;
#if !NET
using System.Linq;
#endif
using System.Net.Http;
#if NET
using System.Net.Http.Headers;
#endif

namespace AsyncWeb.Sending;

/// <summary>The headers of a response as the result shows them: response and content headers in one case-insensitive table.</summary>
internal static class ResponseHeaders
{
    /// <summary>
    /// The headers for the result: on .NET a view that builds its table only when read (ResponseHeaderView);
    /// before .NET 5, a copy. Call it before anything parses a header (the body reader does).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Collect(HttpResponseMessage response)
    {
#if NET
        return new ResponseHeaderView(response);
#else
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

        // No raw view of the headers before .NET 5: these are the parsed values, which read the same for well-formed headers.
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }

        foreach (var header in response.Content.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }

        return headers;
#endif
    }

    /// <summary>What headers occupy in memory, as counted against -MaximumBufferSize: two bytes a character of every name and value.</summary>
    public static long SizeOf(IReadOnlyDictionary<string, string[]> headers)
    {
#if NET
        if (headers is ResponseHeaderView view)
        {
            return view.Bytes; // counted from the response's collections when the view was made, without a copy
        }
#endif

        long chars = 0;
        if (headers is Dictionary<string, string[]> table)
        {
            // The struct enumerator: through the interface, every count would box one.
            foreach (var header in table)
            {
                chars += CharsOf(header);
            }

            return chars * 2;
        }

        foreach (var header in headers)
        {
            chars += CharsOf(header);
        }

        return chars * 2;
    }

    private static long CharsOf(KeyValuePair<string, string[]> header)
    {
        long chars = header.Key.Length;
        foreach (var value in header.Value)
        {
            chars += value?.Length ?? 0;
        }

        return chars;
    }

#if NET
    public static string[] ToArray(HeaderStringValues values)
    {
        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return array;
    }
#endif
}
