using System.Collections.Generic;
using System.IO;
using System.Net.Http;

namespace AsyncWeb.Requests;

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
