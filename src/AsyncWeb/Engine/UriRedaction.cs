using System;

namespace AsyncWeb.Engine;

/// <summary>How a URI is shown in messages (verbose, errors, ToString, progress): never with its secrets.</summary>
internal static class UriRedaction
{
    /// <summary>Hides user:password in a URI for messages.</summary>
    public static string Redact(Uri uri) =>
        string.IsNullOrEmpty(uri.UserInfo) ? uri.OriginalString : uri.OriginalString.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal);
}
