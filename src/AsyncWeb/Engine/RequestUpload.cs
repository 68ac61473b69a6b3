using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;

namespace AsyncWeb.Engine;

/// <summary>
/// A request body streamed from disk (-InFile, -Form with files) rather than held as bytes. Its content is
/// made anew for every request sent, so a retry or a 307/308 redirect re-opens each file from the start and
/// re-sends every byte; memory stays flat whatever the file's size.
/// </summary>
internal abstract class RequestUpload
{
    private const int FileBufferSize = 128 * 1024;

    /// <summary>A fresh content for one request; a file that can no longer be read is <see cref="ErrorIds.InvalidInFile"/>.</summary>
    public abstract HttpContent CreateContent();

    /// <summary>Refuses a path that is not an existing, readable file, naming <paramref name="what"/> (e.g. "the InFile").</summary>
    public static void CheckFile(string path, string what)
    {
        using var probe = OpenFile(path, what);
    }

    /// <summary>Opens a file to stream, with the reason it cannot be as an <see cref="InvalidItemException"/>.</summary>
    protected static StreamContent OpenContent(string path, string what) => new(OpenFile(path, what), FileBufferSize);

    private static FileStream OpenFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidItemException(ErrorIds.InvalidInFile, $"{what} '{path}' is a directory, not a file");
        }

        try
        {
            // No FileStream buffer of its own: StreamContent reads in 128 KiB chunks.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidItemException(ErrorIds.InvalidInFile, $"{what} '{path}' does not exist");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidItemException(ErrorIds.InvalidInFile, $"{what} '{path}' cannot be read: {ex.Message}");
        }
    }
}

/// <summary>-InFile: the body is the file's bytes, with Content-Length from the file.</summary>
internal sealed class FileUpload : RequestUpload
{
    public FileUpload(string path, string? contentType)
    {
        Path = path;
        ContentType = contentType;
    }

    public string Path { get; }

    /// <summary>As given, or Invoke-WebRequest's default; null sends no Content-Type.</summary>
    public string? ContentType { get; }

    public override HttpContent CreateContent()
    {
        var content = OpenContent(Path, "the InFile");
        if (ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        return content;
    }
}

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
                throw new InvalidItemException(ErrorIds.InvalidBody, $"a form field's {what} contains a line break or NUL, which a multipart body cannot carry");
            }
        }

        if (string.IsNullOrWhiteSpace(part.Name))
        {
            throw new InvalidItemException(ErrorIds.InvalidBody, "a form field has an empty name");
        }

        try
        {
            _ = new ContentDispositionHeaderValue("form-data") { Name = part.Name, FileName = part.FileName };
        }
        catch (ArgumentException)
        {
            throw new InvalidItemException(ErrorIds.InvalidBody, $"the form field '{part.Name}'{(part.FileName is null ? string.Empty : $" (file name '{part.FileName}')")} cannot be written in a Content-Disposition header: a name may not contain '\"'");
        }

        if (!MediaTypeHeaderValue.TryParse(part.ContentType, out _))
        {
            throw new InvalidItemException(ErrorIds.InvalidBody, $"the Content-Type '{part.ContentType}' of form field '{part.Name}' is not a valid media type");
        }

        return part;
    }
}

/// <summary>-Form: a multipart/form-data body of text and file parts, in the order given (Invoke-WebRequest's -Form).</summary>
internal sealed class FormUpload : RequestUpload
{
    public FormUpload(IReadOnlyList<FormPart> parts) => Parts = parts;

    public IReadOnlyList<FormPart> Parts { get; }

    public override HttpContent CreateContent()
    {
        var form = new MultipartFormDataContent();
        try
        {
            foreach (var part in Parts)
            {
                if (part.FilePath is null)
                {
                    var text = new ByteArrayContent(BodyEncoding.EncodingFor(part.ContentType).GetBytes(part.Value ?? string.Empty));
                    text.Headers.ContentType = MediaTypeHeaderValue.Parse(part.ContentType);
                    form.Add(text, part.Name);
                }
                else
                {
                    var file = OpenContent(part.FilePath, $"the file of form field '{part.Name}'");
                    file.Headers.ContentType = MediaTypeHeaderValue.Parse(part.ContentType);
                    form.Add(file, part.Name, part.FileName!);
                }
            }

            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }
}
