#if !NET
using System.Collections.Generic;
using System.Globalization;

namespace System.Text
{
    /// <summary>
    /// The part of .NET's Rune (one Unicode scalar value) that file name sanitising needs, for
    /// netstandard2.0. Unpaired surrogates enumerate as U+FFFD, as on .NET.
    /// </summary>
    internal readonly struct Rune : IEquatable<Rune>
    {
        public Rune(int value) => Value = value;

        public static Rune ReplacementChar => new(0xFFFD);

        public int Value { get; }

        public int Utf16SequenceLength => Value >= 0x10000 ? 2 : 1;

        public int Utf8SequenceLength => Value switch
        {
            < 0x80 => 1,
            < 0x800 => 2,
            < 0x10000 => 3,
            _ => 4,
        };

        public static bool operator ==(Rune left, Rune right) => left.Value == right.Value;

        public static bool operator !=(Rune left, Rune right) => left.Value != right.Value;

        public static UnicodeCategory GetUnicodeCategory(Rune rune) =>
            rune.Value < 0x10000 ? CharUnicodeInfo.GetUnicodeCategory((char)rune.Value) : CharUnicodeInfo.GetUnicodeCategory(rune.ToString(), 0);

        public bool Equals(Rune other) => Value == other.Value;

        public override bool Equals(object? obj) => obj is Rune other && Equals(other);

        public override int GetHashCode() => Value;

        public override string ToString() => char.ConvertFromUtf32(Value);
    }

    internal static class RuneExtensions
    {
        public static IEnumerable<Rune> EnumerateRunes(this string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    yield return new Rune(char.ConvertToUtf32(c, text[i + 1]));
                    i++;
                }
                else
                {
                    yield return char.IsSurrogate(c) ? Rune.ReplacementChar : new Rune(c);
                }
            }
        }
    }
}
#endif
