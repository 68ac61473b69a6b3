using System;
using System.Threading;

namespace AsyncWeb.Security;

/// <summary>
/// The origin the request being sent on this async flow may give handler credentials to, or none: set by the
/// sender for each hop (the item's origin while every hop stays on it), read by <see cref="HandlerCredentials"/>
/// when the handler meets a challenge inside that send.
/// </summary>
internal static class CredentialScope
{
    private static readonly AsyncLocal<Uri?> s_origin = new();

    public static Uri? Current => s_origin.Value;

    /// <summary>Sets the origin for the rest of the calling async method (and what it awaits); it does not leak to the caller.</summary>
    public static void Enter(Uri? origin) => s_origin.Value = origin;
}
