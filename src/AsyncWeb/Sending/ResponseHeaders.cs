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
    public static IReadOnlyDictionary<string, string[]> Collect(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
#if NET
        foreach (var header in response.Headers.NonValidated)
        {
            headers[header.Key] = ToArray(header.Value);
        }

        foreach (var header in response.Content.Headers.NonValidated)
        {
            headers[header.Key] = ToArray(header.Value);
        }
#else
        // No raw view of the headers before .NET 5: these are the parsed values, which read the same for well-formed headers.
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }

        foreach (var header in response.Content.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }
#endif

        return headers;
    }

    /// <summary>What headers occupy in memory, as counted against -MaximumBufferSize: two bytes a character of every name and value.</summary>
    public static long SizeOf(IReadOnlyDictionary<string, string[]> headers)
    {
        long chars = 0;
        foreach (var header in headers)
        {
            chars += header.Key.Length;
            foreach (var value in header.Value)
            {
                chars += value?.Length ?? 0;
            }
        }

        return chars * 2;
    }

#if NET
    private static string[] ToArray(HeaderStringValues values)
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
