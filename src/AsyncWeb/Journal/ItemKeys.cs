using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.Journal;

/// <summary>
/// Who an input item is, across runs: the key a journal remembers it by, and the Idempotency-Key its requests
/// carry. Never memory order: the input position (or a property the user names) with the method, the URI and what
/// else the request sends (<see cref="RequestDigest"/>: body, upload, headers without secrets), so a journal of
/// another command, or of the same command with a changed body, matches nothing and that request runs again.
/// Hashed (SHA-256, 128 bits as 32 hex digits): short, fixed-length, and no URI secret lands in a journal.
/// These are the keys of journal format 2: a change here is a new journal format.
/// </summary>
internal static class ItemKeys
{
    /// <summary>The default key: input position, method, URI and the digest of what else the request sends.</summary>
    public static string Of(long index, string method, Uri uri, string requestDigest) =>
        Hash("position\n" + index.ToString(CultureInfo.InvariantCulture) + "\n" + method + "\n" + uri.AbsoluteUri + "\n" + requestDigest);

    /// <summary>With -JournalKey: the value of that property, method, URI and request digest (so the input may be reordered between runs).</summary>
    public static string Of(string userKey, string method, Uri uri, string requestDigest) =>
        Hash("property\n" + userKey + "\n" + method + "\n" + uri.AbsoluteUri + "\n" + requestDigest);

    /// <summary>The Idempotency-Key of an item: the same for its every attempt and every run that shares <paramref name="runId"/>.</summary>
    public static string IdempotencyKey(string runId, string itemKey) => Hash("idempotency\n" + runId + "\n" + itemKey);

    /// <summary>The Idempotency-Key of page <paramref name="pageIndex"/> (1, 2 ...) of an item with pages: distinct per page, stable across runs.</summary>
    public static string PageIdempotencyKey(string itemIdempotencyKey, int pageIndex) =>
        Hash("page\n" + itemIdempotencyKey + "\n" + pageIndex.ToString(CultureInfo.InvariantCulture));

    /// <summary>A new run id: random, 128 bits.</summary>
    public static string NewRunId() => Guid.NewGuid().ToString("N");

    private static string Hash(string text) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The first 128 bits of a SHA-256 digest as 32 lower-case hex digits.</summary>
    internal static string Hex(byte[] digest) => Convert.ToHexString(digest, 0, 16).ToLowerInvariant();
}
