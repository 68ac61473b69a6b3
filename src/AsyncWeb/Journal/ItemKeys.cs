using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.Journal;

/// <summary>
/// Who an input item is, across runs: the key a journal remembers it by, and the Idempotency-Key its requests
/// carry. Never memory order: the input position (or a property the user names) with the method and the URI, so
/// a journal of another command (other items at the same positions) matches nothing and reruns everything.
/// Hashed (SHA-256, 128 bits as 32 hex digits): short, fixed-length, and no URI secret lands in a journal.
/// </summary>
internal static class ItemKeys
{
    /// <summary>The default key: input position, method and URI.</summary>
    public static string Of(long index, string method, Uri uri) =>
        Hash("position\n" + index.ToString(CultureInfo.InvariantCulture) + "\n" + method + "\n" + uri.AbsoluteUri);

    /// <summary>With -JournalKey: the value of that property, method and URI (so the input may be reordered between runs).</summary>
    public static string Of(string userKey, string method, Uri uri) =>
        Hash("property\n" + userKey + "\n" + method + "\n" + uri.AbsoluteUri);

    /// <summary>The Idempotency-Key of an item: the same for its every attempt and every run that shares <paramref name="runId"/>.</summary>
    public static string IdempotencyKey(string runId, string itemKey) => Hash("idempotency\n" + runId + "\n" + itemKey);

    /// <summary>The Idempotency-Key of page <paramref name="pageIndex"/> (1, 2 ...) of an item with pages: distinct per page, stable across runs.</summary>
    public static string PageIdempotencyKey(string itemIdempotencyKey, int pageIndex) =>
        Hash("page\n" + itemIdempotencyKey + "\n" + pageIndex.ToString(CultureInfo.InvariantCulture));

    /// <summary>A new run id: random, 128 bits.</summary>
    public static string NewRunId() => Guid.NewGuid().ToString("N");

    private static string Hash(string text)
    {
#if NET
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
#else
        byte[] digest;
        using (var sha = SHA256.Create())
        {
            digest = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        }
#endif

        var hex = new StringBuilder(32);
        for (var i = 0; i < 16; i++)
        {
            hex.Append(digest[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}
