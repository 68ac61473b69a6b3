using System;
using System.Globalization;

namespace AsyncWeb.Journal;

/// <summary>An item key (32 hex digits) as two numbers: a million remembered items cost 16 MB of keys, not 90.</summary>
internal readonly struct Key128 : IEquatable<Key128>
{
    private readonly ulong _high;
    private readonly ulong _low;

    private Key128(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    public static bool TryParse(string text, out Key128 key)
    {
        key = default;
        if (text.Length != 32
            || !ulong.TryParse(text.Substring(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !ulong.TryParse(text.Substring(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        key = new Key128(high, low);
        return true;
    }

    public bool Equals(Key128 other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is Key128 other && Equals(other);

    public override int GetHashCode() => (_high ^ _low).GetHashCode();
}
