using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AsyncWeb.Requests;

namespace AsyncWeb.Batch;

/// <summary>
/// -Partition 'i/N': this run is shard i of N and keeps only the items whose key falls in it. The
/// assignment is fixed forever and the same on every machine, runtime and PowerShell edition, so N
/// runs anywhere split one input into disjoint parts that together are all of it.
/// </summary>
/// <remarks>
/// shard = (the first 8 bytes of SHA-256 over the UTF-8 of the key with ASCII letters folded to lower
/// case, read as a big-endian unsigned integer) mod N. A missing or empty key belongs to shard 0.
/// Any language can reproduce it, e.g. Python:
/// <c>int.from_bytes(hashlib.sha256(key.lower().encode()).digest()[:8], 'big') % n</c> (for ASCII keys).
/// </remarks>
internal sealed class ShardPartition
{
    /// <summary>The variable a Kubernetes Indexed Job sets in each pod; -Partition '*/N' reads it.</summary>
    public const string CompletionIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>The most shards a batch can be split into.</summary>
    public const int MaximumCount = 1_000_000;

    private ShardPartition(int index, int count)
    {
        Index = index;
        Count = count;
    }

    /// <summary>This run's shard, from 0.</summary>
    public int Index { get; }

    /// <summary>How many shards the input is split into.</summary>
    public int Count { get; }

    /// <summary>
    /// Reads 'i/N' (i from 0), or '*/N' with i from $env:JOB_COMPLETION_INDEX; throws
    /// <see cref="ArgumentException"/> with a message that says what is wrong.
    /// </summary>
    public static ShardPartition Parse(string? text, Func<string, string?> environment)
    {
        var parts = (text ?? string.Empty).Split('/');
        if (parts.Length != 2)
        {
            throw new ArgumentException($"-Partition '{text}' is not of the form 'i/N' (shard i of N, i from 0), e.g. '0/4', or '*/N' to take i from $env:{CompletionIndexVariable}");
        }

        var countText = parts[1].Trim();
        if (!TryParseCount(countText, out var count) || count < 1 || count > MaximumCount)
        {
            throw new ArgumentException($"-Partition '{text}': the shard count '{countText}' is not a whole number from 1 to {MaximumCount}");
        }

        var indexText = parts[0].Trim();
        var source = $"-Partition '{text}'";
        if (indexText == "*")
        {
            indexText = environment(CompletionIndexVariable)?.Trim() ?? string.Empty;
            if (indexText.Length == 0)
            {
                throw new ArgumentException($"-Partition '{text}' takes the shard from $env:{CompletionIndexVariable} (set by a Kubernetes Indexed Job), which is not set; give the shard as 'i/{count}'");
            }

            source = $"$env:{CompletionIndexVariable}";
        }

        if (!TryParseCount(indexText, out var index) || index >= count)
        {
            throw new ArgumentException($"{source}: the shard '{indexText}' is not a whole number from 0 to {count - 1} (shard i of {count} counts from 0)");
        }

        return new ShardPartition(index, count);
    }

    /// <summary>The shard of <paramref name="key"/> among <paramref name="count"/>; a null or empty key is shard 0.</summary>
    public static int ShardOf(string? key, int count) =>
        string.IsNullOrEmpty(key) || count <= 1 ? 0 : (int)(Hash(key!) % (ulong)count);

    /// <summary>The first 8 bytes of SHA-256 over the UTF-8 of the key with ASCII letters in lower case, big-endian.</summary>
    public static ulong Hash(string key)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(FoldAscii(key)));
        ulong value = 0;
        for (var i = 0; i < 8; i++)
        {
            value = (value << 8) | digest[i];
        }

        return value;
    }

    /// <summary>True when an item with this key belongs to this run's shard.</summary>
    public bool Keeps(string? key) => ShardOf(key, Count) == Index;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>A-Z to a-z only: other characters are compared as they are, so no culture or Unicode version can move a key.</summary>
    private static string FoldAscii(string key)
    {
        var chars = key.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= 'A' and <= 'Z')
            {
                chars[i] = (char)(chars[i] + ('a' - 'A'));
            }
        }

        return new string(chars);
    }

    private static bool TryParseCount(string text, out int value)
    {
        value = 0;
        return text.Length > 0 && text.Length <= 9 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
