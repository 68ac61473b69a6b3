using System;
using AsyncWeb.Requests;
using AsyncWeb.Streaming;

namespace AsyncWeb.Binding;

/// <summary>
/// Whether an item streams, and in which format: its own Stream key (true or false) wins over -Stream, a
/// StreamFormat (its own, or -StreamFormat given on the command) asks to stream too, and without one the format
/// follows the response's Content-Type (Auto).
/// </summary>
internal static class StreamChoice
{
    public static WebStreamFormat? For(in ItemFields fields, RequestDefaults defaults)
    {
        var format = fields.StreamFormat is { } text ? Parse(text) : (WebStreamFormat?)null;
        var streams = fields.Stream is null
            ? format is not null || defaults.Stream is not null
            : LooseValues.Flag(fields.Stream) ?? throw new InvalidInputException(ErrorIds.InvalidStreamFormat,
                $"the item's Stream value '{RequestSpecBuilder.ToText(fields.Stream)}' is not true or false");
        if (streams && (fields.OutFile ?? defaults.OutFile ?? defaults.OutDirectory) is not null)
        {
            throw new InvalidInputException(ErrorIds.InvalidOutFile, "an item that streams (Stream) emits its body as items: it cannot also go to a file; leave out its OutFile or its Stream");
        }

        return streams ? format ?? defaults.Stream ?? defaults.StreamFormat : null;
    }

    private static WebStreamFormat Parse(string text) =>
        Enum.TryParse<WebStreamFormat>(text.Trim(), ignoreCase: true, out var format) && Enum.IsDefined(typeof(WebStreamFormat), format)
            ? format
            : throw new InvalidInputException(ErrorIds.InvalidStreamFormat,
                $"the item's StreamFormat '{text}' is not one of {string.Join(", ", Enum.GetNames(typeof(WebStreamFormat)))}");
}
