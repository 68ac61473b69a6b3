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

    public static FormPart Text(string name, string value, string? contentType = null) => new(name, value, null, null, contentType ?? TextType);

    public static FormPart File(string name, string path, string? fileName = null, string? contentType = null)
    {
        var shownName = fileName ?? System.IO.Path.GetFileName(path);
        return new FormPart(name, null, path, shownName, contentType ?? MediaTypes.FromFileName(shownName));
    }
}
