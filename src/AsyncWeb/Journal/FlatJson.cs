using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AsyncWeb.Journal;

/// <summary>A strict reader of one flat JSON object: string, integer, number, true, false and null values, nothing nested.</summary>
internal static class FlatJson
{
    public static bool TryParse(string text, out Dictionary<string, object?> fields)
    {
        fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        var at = 0;
        Skip(text, ref at);
        if (!Take(text, ref at, '{'))
        {
            return false;
        }

        Skip(text, ref at);
        if (Take(text, ref at, '}'))
        {
            return End(text, at);
        }

        while (true)
        {
            Skip(text, ref at);
            if (!String(text, ref at, out var name))
            {
                return false;
            }

            Skip(text, ref at);
            if (!Take(text, ref at, ':'))
            {
                return false;
            }

            Skip(text, ref at);
            if (!Value(text, ref at, out var value))
            {
                return false;
            }

            fields[name] = value;
            Skip(text, ref at);
            if (Take(text, ref at, '}'))
            {
                return End(text, at);
            }

            if (!Take(text, ref at, ','))
            {
                return false;
            }
        }
    }

    private static bool End(string text, int at)
    {
        Skip(text, ref at);
        return at == text.Length;
    }

    private static bool Value(string text, ref int at, out object? value)
    {
        value = null;
        if (at >= text.Length)
        {
            return false;
        }

        switch (text[at])
        {
            case '"':
                var ok = String(text, ref at, out var s);
                value = s;
                return ok;
            case 't':
                value = true;
                return Word(text, ref at, "true");
            case 'f':
                value = false;
                return Word(text, ref at, "false");
            case 'n':
                return Word(text, ref at, "null");
            default:
                return Number(text, ref at, out value);
        }
    }

    private static bool Number(string text, ref int at, out object? value)
    {
        value = null;
        var start = at;
        while (at < text.Length && (char.IsDigit(text[at]) || text[at] is '-' or '+' or '.' or 'e' or 'E'))
        {
            at++;
        }

        var token = text.Substring(start, at - start);
        if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            value = whole;
            return true;
        }

        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            value = real;
            return true;
        }

        return false;
    }

    private static bool String(string text, ref int at, out string value)
    {
        value = string.Empty;
        if (!Take(text, ref at, '"'))
        {
            return false;
        }

        var built = new StringBuilder();
        while (at < text.Length)
        {
            var c = text[at++];
            if (c == '"')
            {
                value = built.ToString();
                return true;
            }

            if (c < ' ')
            {
                return false;
            }

            if (c != '\\')
            {
                built.Append(c);
                continue;
            }

            if (at >= text.Length)
            {
                return false;
            }

            var escape = text[at++];
            switch (escape)
            {
                case '"' or '\\' or '/':
                    built.Append(escape);
                    break;
                case 'b':
                    built.Append('\b');
                    break;
                case 'f':
                    built.Append('\f');
                    break;
                case 'n':
                    built.Append('\n');
                    break;
                case 'r':
                    built.Append('\r');
                    break;
                case 't':
                    built.Append('\t');
                    break;
                case 'u' when at + 4 <= text.Length
                              && int.TryParse(text.Substring(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    built.Append((char)code);
                    at += 4;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool Word(string text, ref int at, string word)
    {
        if (string.CompareOrdinal(text, at, word, 0, word.Length) != 0)
        {
            return false;
        }

        at += word.Length;
        return true;
    }

    private static bool Take(string text, ref int at, char c)
    {
        if (at < text.Length && text[at] == c)
        {
            at++;
            return true;
        }

        return false;
    }

    private static void Skip(string text, ref int at)
    {
        while (at < text.Length && text[at] is ' ' or '\t' or '\r' or '\n')
        {
            at++;
        }
    }
}
