using System;
using System.Net;
using AsyncWeb.Requests;

namespace AsyncWeb.Security;

/// <summary>
/// The credentials a pooled handler answers Negotiate or NTLM challenges with: a user's, or the process's own
/// identity (default credentials). A pool is shared by many items and redirect hops, so the handler is given
/// them only for a request that <see cref="CredentialScope"/> says may carry them, and only for the schemes
/// asked for, never for Basic or Digest. Compared by value (user, domain, password hash, schemes): the same
/// credentials select the same pool.
/// </summary>
/// <remarks>
/// The decision is keyed by the URI the runtime asks about: an origin with a same-origin hop of these credentials
/// in flight (<see cref="CredentialScope.IsAdmitted"/>). Where the runtime asks inside the request's own async flow
/// (.NET) the flow's origin must match too, as before; .NET Framework asks on a thread without that flow.
/// </remarks>
internal sealed class HandlerCredentials : ICredentials, IEquatable<HandlerCredentials>
{
    private readonly CredentialKey? _credential;
    private readonly string[] _schemes;
    private readonly bool _askedInFlow;

    /// <param name="credential">The user's credential, or null for the process's default credentials.</param>
    /// <param name="schemes">The challenge schemes answered ("Negotiate", "NTLM").</param>
    public HandlerCredentials(NetworkCredential? credential, params string[] schemes)
        : this(credential, !Connections.FrameworkFacts.Current.IsNetFramework, schemes)
    {
    }

    /// <param name="credential">The user's credential, or null for the process's default credentials.</param>
    /// <param name="askedInFlow">Whether the runtime asks for credentials inside the request's async flow (not on .NET Framework).</param>
    /// <param name="schemes">The challenge schemes answered ("Negotiate", "NTLM").</param>
    public HandlerCredentials(NetworkCredential? credential, bool askedInFlow, params string[] schemes)
    {
        _credential = CredentialKey.From(credential);
        _schemes = schemes;
        _askedInFlow = askedInFlow;
    }

    /// <summary>True for the process's own identity (-UseDefaultCredentials).</summary>
    public bool IsDefault => _credential is null;

    public NetworkCredential? GetCredential(Uri uri, string authType)
    {
        if (Array.FindIndex(_schemes, s => s.Equals(authType, StringComparison.OrdinalIgnoreCase)) < 0
            || !CredentialScope.IsAdmitted(this, uri)
            || (_askedInFlow && (CredentialScope.Current is not { } origin || !RequestSpec.SameOrigin(origin, uri))))
        {
            return null;
        }

        return _credential?.Credential ?? CredentialCache.DefaultNetworkCredentials;
    }

    public bool Equals(HandlerCredentials? other) =>
        other is not null && Equals(_credential, other._credential) && string.Join(",", _schemes) == string.Join(",", other._schemes);

    public override bool Equals(object? obj) => Equals(obj as HandlerCredentials);

    public override int GetHashCode() => (_credential?.GetHashCode() ?? 0) ^ StringComparer.Ordinal.GetHashCode(string.Join(",", _schemes));

    /// <summary>The schemes and the user, never the password: pool keys (records) print their members.</summary>
    public override string ToString() => string.Join("/", _schemes) + " as " + (_credential?.ToString() ?? "the current user");
}
