using System;
using System.Collections.Generic;

namespace AsyncWeb.Security;

/// <summary>How a URI is shown in messages (verbose, errors, ToString, progress): never with its secrets.</summary>
internal static class UriRedaction
{
    /// <summary>What a hidden secret is shown as.</summary>
    public const string Mask = "***";

    /// <summary>Query (and fragment) parameters whose values are hidden by default; compared case-insensitively.</summary>
    public static readonly IReadOnlyList<string> DefaultSensitiveNames = new[]
    {
        "sig", "signature", "token", "access_token", "api_key", "apikey", "key", "password", "secret", "code",
        "X-Amz-Signature", "X-Amz-Credential", "X-Goog-Signature",
    };

    /// <summary>Hides user:password and the values of the default sensitive query parameters in a URI for messages.</summary>
    public static string Redact(Uri uri) => UriRedactor.Default.Redact(uri);
}
