using System;

namespace AsyncWeb;

/// <summary>
/// -SslProtocol values, as Invoke-WebRequest names them: Default leaves the choice to the system; Tls12 and
/// Tls13 allow only those versions (combine them with a comma). TLS 1.0 and 1.1 are not offered: .NET marks
/// them obsolete and current systems refuse them.
/// </summary>
[Flags]
public enum WebSslProtocol
{
    /// <summary>The versions the operating system allows (TLS 1.2 and 1.3 on current systems).</summary>
    Default = 0,

    /// <summary>TLS 1.2 only (with Tls13: 1.2 or 1.3).</summary>
    Tls12 = 3072,

    /// <summary>TLS 1.3 only (with Tls12: 1.2 or 1.3).</summary>
    Tls13 = 12288,
}
