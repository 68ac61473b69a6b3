using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;

namespace AsyncWeb.Requests;

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
