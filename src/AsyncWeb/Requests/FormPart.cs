using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;

namespace AsyncWeb.Requests;

/// <summary>One field of a multipart/form-data body: text, or a file streamed from disk.</summary>
/// <param name="Name">The field name (repeated for each value of an array).</param>
/// <param name="Value">The text of a text field; null for a file.</param>
/// <param name="FilePath">The full path of a file field; null for text.</param>
/// <param name="FileName">The file name the server is told (the file's own name unless given).</param>
/// <param name="ContentType">The part's Content-Type: given, or from the file's extension, or text/plain; charset=utf-8 for text.</param>
internal sealed record FormPart(string Name, string? Value, string? FilePath, string? FileName, string ContentType)
{
    public const string TextType = "text/plain; charset=utf-8";

    /// <summary>A text field; a name or Content-Type that cannot be sent is <see cref="ErrorIds.InvalidBody"/>.</summary>
    public static FormPart Text(string name, string value, string? contentType = null) =>
        Checked(new(name, value, null, null, contentType ?? TextType));

    /// <summary>A file field; a name, file name or Content-Type that cannot be sent is <see cref="ErrorIds.InvalidBody"/>.</summary>
    public static FormPart File(string name, string path, string? fileName = null, string? contentType = null)
    {
        var shownName = fileName ?? System.IO.Path.GetFileName(path);
        return Checked(new FormPart(name, null, path, shownName, contentType ?? MediaTypes.FromFileName(shownName)));
    }

    /// <summary>
    /// The part's Content-Disposition and Content-Type as <see cref="FormUpload"/> will write them, built once here so
    /// that a field the multipart writer would refuse (a '"' in a name, a line break, an unparsable type) fails its
    /// item before anything is sent, not as a send failure.
    /// </summary>
    private static FormPart Checked(FormPart part)
    {
        foreach (var (what, text) in new[] { ("name", part.Name), ("file name", part.FileName) })
        {
            if (text is not null && text.IndexOfAny(new[] { '\r', '\n', '\0' }) >= 0)
            {
                throw new InvalidInputException(ErrorIds.InvalidBody, $"a form field's {what} contains a line break or NUL, which a multipart body cannot carry");
            }
        }

        if (string.IsNullOrWhiteSpace(part.Name))
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, "a form field has an empty name");
        }

        try
        {
            _ = new ContentDispositionHeaderValue("form-data") { Name = part.Name, FileName = part.FileName };
        }
        catch (ArgumentException)
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, $"the form field '{part.Name}'{(part.FileName is null ? string.Empty : $" (file name '{part.FileName}')")} cannot be written in a Content-Disposition header: a name may not contain '\"'");
        }

        if (!MediaTypeHeaderValue.TryParse(part.ContentType, out _))
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, $"the Content-Type '{part.ContentType}' of form field '{part.Name}' is not a valid media type");
        }

        return part;
    }
}
