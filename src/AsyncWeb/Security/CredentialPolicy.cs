using System;
using AsyncWeb.Requests;

namespace AsyncWeb.Security;

/// <summary>Whether credentials may go to a URI, and if not, why.</summary>
internal enum CredentialVerdict
{
    /// <summary>The URI is the credentials' own origin, over HTTPS (or plain HTTP explicitly allowed).</summary>
    Send,
    /// <summary>Another scheme, host or port: the credentials do not belong there.</summary>
    OtherOrigin,
    /// <summary>Plain HTTP without -AllowUnencryptedAuthentication: the credentials would travel in clear text.</summary>
    Unencrypted,
}

/// <summary>
/// The one rule for credentials AsyncWeb adds itself (-Token or -Credential, a session's or the cmdlet's): they go only to
/// the origin they belong to, and never over plain HTTP unless the user said -AllowUnencryptedAuthentication
/// (Invoke-WebRequest's name for the same choice).
/// </summary>
internal static class CredentialPolicy
{
    /// <summary>May credentials that belong to <paramref name="owner"/>'s origin be sent to <paramref name="target"/>?</summary>
    public static CredentialVerdict Check(Uri owner, Uri target, bool allowUnencryptedAuthentication)
    {
        if (!RequestSpec.SameOrigin(owner, target))
        {
            return CredentialVerdict.OtherOrigin;
        }

        return target.Scheme == Uri.UriSchemeHttps || allowUnencryptedAuthentication
            ? CredentialVerdict.Send
            : CredentialVerdict.Unencrypted;
    }
}
