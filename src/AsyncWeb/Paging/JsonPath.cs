using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AsyncWeb.Paging;

/// <summary>What a <see cref="JsonPath"/> found in a body.</summary>
internal enum JsonFoundKind
{
    /// <summary>The path leads nowhere (a property or element is missing, or a step meets a value it cannot enter).</summary>
    Missing,
    /// <summary>JSON null.</summary>
    Null,
    /// <summary>A string: <see cref="JsonFound.Text"/> is its value.</summary>
    String,
    /// <summary>A number: <see cref="JsonFound.Text"/> is as written.</summary>
    Number,
    /// <summary>An object, array or boolean: <see cref="JsonFound.Text"/> names the kind.</summary>
    Other,
    /// <summary>The body is not JSON: <see cref="JsonFound.Text"/> says why.</summary>
    NotJson,
}

/// <summary>The value a <see cref="JsonPath"/> leads to.</summary>
internal readonly record struct JsonFound(JsonFoundKind Kind, string? Text = null)
{
    /// <summary>A whole number of at least 0: a number without fraction, or a string of digits.</summary>
    public long? AsCount() =>
        Kind is JsonFoundKind.Number or JsonFoundKind.String
        && long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
}

/// <summary>
/// A property path into a JSON body, for -NextLink and -TotalCount: names separated by dots
/// (<c>links.next</c>), array elements as <c>[0]</c>, a leading <c>$.</c> allowed. A name that itself holds
/// a dot, bracket or quote is written in brackets and quotes: <c>['@odata.nextLink']</c> (a quote inside
/// doubled). Unbracketed names are matched greedily: where the body has a property named by several
/// dotted names together, the longest wins, so <c>@odata.nextLink</c> also works as written. The body is
/// read by System.Text.Json: nothing is turned into PowerShell objects.
/// </summary>
internal sealed class JsonPath
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 1024, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private readonly Step[] _steps;

    private JsonPath(string text, Step[] steps)
    {
        Text = text;
        _steps = steps;
    }

    /// <summary>The path as the user wrote it.</summary>
    public string Text { get; }

    /// <summary>Reads a path; throws FormatException saying what is wrong with it.</summary>
    public static JsonPath Parse(string text)
    {
        var steps = new List<Step>();
        var i = text.StartsWith("$.", StringComparison.Ordinal) ? 2 : text.StartsWith("$[", StringComparison.Ordinal) ? 1 : 0;
        var expectName = true;
        while (i < text.Length)
        {
            if (text[i] == '[')
            {
                i = ReadBracket(text, i, steps);
                expectName = false;
            }
            else if (text[i] == '.' && !expectName)
            {
                i++;
                expectName = true;
                if (i >= text.Length)
                {
                    throw new FormatException($"the path '{text}' ends with a dot");
                }
            }
            else if (expectName)
            {
                var start = i;
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    i++;
                }

                if (i == start)
                {
                    throw new FormatException($"the path '{text}' has an empty name at position {start + 1}");
                }

                steps.Add(Step.Name(text.Substring(start, i - start), bracketed: false));
                expectName = false;
            }
            else
            {
                throw new FormatException($"the path '{text}' has '{text[i]}' where a dot or bracket belongs (position {i + 1})");
            }
        }

        if (steps.Count == 0)
        {
            throw new FormatException($"the path '{text}' names no property");
        }

        return new JsonPath(text, steps.ToArray());
    }

    /// <summary>The value at this path in a body given as text (a result's Content).</summary>
    public JsonFound Find(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, s_options);
            return Find(document.RootElement, 0);
        }
        catch (JsonException ex)
        {
            return new JsonFound(JsonFoundKind.NotJson, ex.Message);
        }
    }

    /// <summary>The value at this path in a body given as UTF-8 bytes (a result's RawContent).</summary>
    public JsonFound Find(byte[] utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8, s_options);
            return Find(document.RootElement, 0);
        }
        catch (JsonException ex)
        {
            return new JsonFound(JsonFoundKind.NotJson, ex.Message);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>A string value; one that is not valid UTF-16 (a lone surrogate escaped as \ud800) is no text.</summary>
    private static JsonFound StringValue(JsonElement element)
    {
        try
        {
            return new JsonFound(JsonFoundKind.String, element.GetString());
        }
        catch (InvalidOperationException)
        {
            return new JsonFound(JsonFoundKind.Other, "a string that is not valid Unicode");
        }
    }

    private JsonFound Find(JsonElement element, int step)
    {
        if (step == _steps.Length)
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => StringValue(element),
                JsonValueKind.Number => new JsonFound(JsonFoundKind.Number, element.GetRawText()),
                JsonValueKind.Null => new JsonFound(JsonFoundKind.Null),
                JsonValueKind.Object => new JsonFound(JsonFoundKind.Other, "an object"),
                JsonValueKind.Array => new JsonFound(JsonFoundKind.Other, "an array"),
                _ => new JsonFound(JsonFoundKind.Other, "a boolean"),
            };
        }

        var current = _steps[step];
        if (current.Index is { } index)
        {
            return element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength()
                ? Find(element[index], step + 1)
                : new JsonFound(JsonFoundKind.Missing);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return new JsonFound(JsonFoundKind.Missing);
        }

        // The longest run of unbracketed names that the object has as one property name wins; shorter ones next.
        var run = 1;
        if (!current.Bracketed)
        {
            while (step + run < _steps.Length && _steps[step + run] is { Index: null, Bracketed: false })
            {
                run++;
            }
        }

        for (var take = run; take >= 1; take--)
        {
            if (element.TryGetProperty(JoinNames(step, take), out var child))
            {
                var found = Find(child, step + take);
                if (found.Kind != JsonFoundKind.Missing || take == 1)
                {
                    return found;
                }
            }
        }

        return new JsonFound(JsonFoundKind.Missing);
    }

    private string JoinNames(int step, int count)
    {
        if (count == 1)
        {
            return _steps[step].Property!;
        }

        var name = new StringBuilder(_steps[step].Property);
        for (var k = 1; k < count; k++)
        {
            name.Append('.').Append(_steps[step + k].Property);
        }

        return name.ToString();
    }

    /// <summary>[n] or ['name'] / ["name"] (the quote doubled inside); returns the position after the bracket.</summary>
    private static int ReadBracket(string text, int i, List<Step> steps)
    {
        var end = i + 1;
        if (end < text.Length && text[end] is '\'' or '"')
        {
            var quote = text[end];
            var name = new StringBuilder();
            for (end++; end < text.Length; end++)
            {
                if (text[end] == quote)
                {
                    if (end + 1 < text.Length && text[end + 1] == quote)
                    {
                        name.Append(quote);
                        end++;
                        continue;
                    }

                    break;
                }

                name.Append(text[end]);
            }

            if (end + 1 >= text.Length || text[end] != quote || text[end + 1] != ']')
            {
                throw new FormatException($"the path '{text}' has a quoted name without its closing {quote}]");
            }

            steps.Add(Step.Name(name.ToString(), bracketed: true));
            return end + 2;
        }

        var close = text.IndexOf(']', end);
        if (close < 0 || !int.TryParse(text.Substring(end, close - end), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new FormatException($"the path '{text}' has a bracket that is neither an index [0] nor a quoted name ['name']");
        }

        steps.Add(Step.At(index));
        return close + 1;
    }

    private readonly record struct Step(string? Property, int? Index, bool Bracketed)
    {
        public static Step Name(string name, bool bracketed) => new(name, null, bracketed);

        public static Step At(int index) => new(null, index, true);
    }
}
