using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AsyncWeb.Security;

/// <summary>
/// Hides secrets in URIs and in messages that contain URIs: the user-info part (<c>//user:password@</c>
/// becomes <c>//***@</c>) and the values of sensitive query and fragment parameters (<c>sig=abc</c>
/// becomes <c>sig=***</c>). Immutable; one per batch, with the names the user added to the defaults.
/// </summary>
internal sealed class UriRedactor
{
    private readonly HashSet<string> _names;

    public UriRedactor(IEnumerable<string>? additionalNames)
    {
        _names = new HashSet<string>(UriRedaction.DefaultSensitiveNames, StringComparer.OrdinalIgnoreCase);
        if (additionalNames is not null)
        {
            foreach (var name in additionalNames)
            {
                if (!string.IsNullOrWhiteSpace(name))
                {
                    _names.Add(name.Trim());
                }
            }
        }
    }

    /// <summary>These rules and more sensitive names; the same redactor when there are none.</summary>
    public UriRedactor With(IReadOnlyCollection<string>? additionalNames) =>
        additionalNames is null || additionalNames.Count == 0 ? this : new UriRedactor(_names.Concat(additionalNames));

    /// <summary>The default names only.</summary>
    public static UriRedactor Default { get; } = new(null);

    /// <summary>The URI as the user wrote it, with its secrets hidden; empty for null.</summary>
    public string Redact(Uri? uri) => uri is null ? string.Empty : RedactText(uri.OriginalString);

    /// <summary>A failure whose message is safe to show (the same object when there was nothing to hide).</summary>
    public WebBatchError? Redact(WebBatchError? error)
    {
        if (error is null)
        {
            return null;
        }

        var message = RedactText(error.Message);
        return ReferenceEquals(message, error.Message) ? error : new WebBatchError(error.ErrorId, error.Category, message, error.Exception) { Details = error.Details };
    }

    /// <summary>
    /// Hides secrets in a URI or in free text that contains URIs (an error message naming a redirect
    /// target, a command line). Returns the same string when there is nothing to hide.
    /// </summary>
    public string RedactText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        StringBuilder? redacted = null;
        var copied = 0;
        var i = 0;
        while (i < text!.Length)
        {
            var c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                // An authority: everything up to its last '@' is user-info.
                var start = i + 2;
                var end = start;
                var at = -1;
                while (end < text.Length && !EndsAuthority(text[end]))
                {
                    if (text[end] == '@')
                    {
                        at = end;
                    }

                    end++;
                }

                if (at > start)
                {
                    Hide(text, start, at, ref redacted, ref copied);
                }

                i = end;
            }
            else if (c is '?' or '&' or '#' or ';')
            {
                // A parameter: name=value, the value hidden when the (percent-decoded) name is sensitive.
                var nameStart = i + 1;
                var nameEnd = nameStart;
                while (nameEnd < text.Length && text[nameEnd] != '=' && !EndsParameter(text[nameEnd]))
                {
                    nameEnd++;
                }

                if (nameEnd < text.Length && text[nameEnd] == '=' && nameEnd > nameStart && IsSensitive(text.Substring(nameStart, nameEnd - nameStart)))
                {
                    var valueEnd = nameEnd + 1;
                    while (valueEnd < text.Length && !EndsParameter(text[valueEnd]))
                    {
                        valueEnd++;
                    }

                    if (valueEnd > nameEnd + 1)
                    {
                        Hide(text, nameEnd + 1, valueEnd, ref redacted, ref copied);
                    }

                    nameEnd = valueEnd;
                }

                i = nameEnd;
            }
            else
            {
                i++;
            }
        }

        if (redacted is null)
        {
            return text;
        }

        return redacted.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// Hides secrets in text given as one URI (an item's Uri as the user wrote it, valid or not): what
    /// <see cref="RedactText"/> hides, and user-info written without "//" ("user:secret@host/x", which reads as the
    /// scheme "user"): everything before an '@' that comes before the first '/', '?' or '#'.
    /// </summary>
    public string RedactGiven(string? text)
    {
        var redacted = RedactText(text);
        var at = -1;
        for (var i = 0; i < redacted.Length && !EndsAuthority(redacted[i]); i++)
        {
            if (redacted[i] == '@')
            {
                at = i;
            }
        }

        return at > 0 ? UriRedaction.Mask + redacted.Substring(at) : redacted;
    }

    private static void Hide(string text, int start, int end, ref StringBuilder? redacted, ref int copied)
    {
        redacted ??= new StringBuilder(text.Length);
        redacted.Append(text, copied, start - copied).Append(UriRedaction.Mask);
        copied = end;
    }

    /// <summary>True for a query parameter name whose value is hidden (the defaults and -SensitiveQueryParameter).</summary>
    public bool IsSensitive(string name)
    {
        if (_names.Contains(name))
        {
            return true;
        }

        // An encoded name (%73ig, X%2DAmz-Signature, a+b) is the same name to the server.
        if (name.IndexOf('%') < 0 && name.IndexOf('+') < 0)
        {
            return false;
        }

        try
        {
            return _names.Contains(Uri.UnescapeDataString(name.Replace('+', ' ')));
        }
        catch (UriFormatException)
        {
            return false;
        }
    }

    private static bool EndsAuthority(char c) => c is '/' or '?' or '#' or '\\' || EndsText(c);

    // ';' separates parameters too (older servers accept it), so a value never runs past one.
    private static bool EndsParameter(char c) => c is '&' or '#' or ';' || EndsText(c);

    // Where a URI embedded in a message ends.
    private static bool EndsText(char c) => char.IsWhiteSpace(c) || c is '\'' or '"' or '<' or '>' or '`';
}
