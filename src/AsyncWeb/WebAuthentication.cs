namespace AsyncWeb;

/// <summary>
/// -Authentication values: Invoke-WebRequest's (None, Basic, Bearer, OAuth) and the integrated Windows
/// schemes, which the runtime's HTTP handler answers when the server challenges.
/// </summary>
public enum WebAuthentication
{
    /// <summary>No scheme named: -Credential alone is sent as Basic, -Token alone as Bearer, -UseDefaultCredentials answers Negotiate or NTLM.</summary>
    None,

    /// <summary>RFC 7617 Basic, from -Credential, sent with every request to the item's origin.</summary>
    Basic,

    /// <summary>RFC 6750 Bearer, from -Token, sent with every request to the item's origin.</summary>
    Bearer,

    /// <summary>The same as Bearer (Invoke-WebRequest's name for it).</summary>
    OAuth,

    /// <summary>SPNEGO (Kerberos, or NTLM inside it), with -Credential or -UseDefaultCredentials, when the server challenges.</summary>
    Negotiate,

    /// <summary>NTLM, with -Credential or -UseDefaultCredentials, when the server challenges.</summary>
    NTLM,
}
