using System;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.Security;

/// <summary>
/// A proxy credential as part of a connection pool's key: two credentials with the same user, domain and
/// password select the same pool, whichever objects carry them. The password is compared through a keyed
/// hash (HMAC-SHA-256 under a key made once per process), never kept for comparison or shown.
/// </summary>
internal sealed class CredentialKey : IEquatable<CredentialKey>
{
    private static readonly byte[] s_hashKey = NewHashKey();
    private readonly byte[] _passwordHash;
    private readonly int _hashCode;

    public CredentialKey(NetworkCredential credential)
    {
        Credential = credential;
        UserName = credential.UserName ?? string.Empty;
        Domain = credential.Domain ?? string.Empty;
        using var hmac = new HMACSHA256(s_hashKey);
        _passwordHash = hmac.ComputeHash(Encoding.UTF8.GetBytes(credential.Password ?? string.Empty));
        _hashCode = (StringComparer.Ordinal.GetHashCode(UserName) * 31 + StringComparer.OrdinalIgnoreCase.GetHashCode(Domain)) * 31 + BitConverter.ToInt32(_passwordHash, 0);
    }

    /// <summary>The credential itself, for the proxy handler.</summary>
    public NetworkCredential Credential { get; }

    public string UserName { get; }

    public string Domain { get; }

    /// <summary>Null for no credential.</summary>
    public static CredentialKey? From(NetworkCredential? credential) => credential is null ? null : new CredentialKey(credential);

    public bool Equals(CredentialKey? other) =>
        other is not null
        && string.Equals(UserName, other.UserName, StringComparison.Ordinal)
        && string.Equals(Domain, other.Domain, StringComparison.OrdinalIgnoreCase)
        && FixedTimeEquals(_passwordHash, other._passwordHash);

    public override bool Equals(object? obj) => Equals(obj as CredentialKey);

    public override int GetHashCode() => _hashCode;

    /// <summary>Only the user: pool keys (records) print their members.</summary>
    public override string ToString() => (Domain.Length > 0 ? Domain + "\\" : string.Empty) + UserName + " (password hidden)";

    private static bool FixedTimeEquals(byte[] a, byte[] b)
    {
        var difference = a.Length ^ b.Length;
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            difference |= a[i] ^ b[i];
        }

        return difference == 0;
    }

    private static byte[] NewHashKey()
    {
        var key = new byte[32];
        using var random = RandomNumberGenerator.Create();
        random.GetBytes(key);
        return key;
    }
}
