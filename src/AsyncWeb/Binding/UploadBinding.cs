using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using AsyncWeb.Requests;

namespace AsyncWeb.Binding;

/// <summary>
/// Binds streamed bodies: -InFile and -Form, and an item's own InFile or Form. An item's own body
/// source (Body, InFile or Form) replaces the cmdlet's; two at once are refused. -Form follows
/// Invoke-WebRequest 7: FileInfo values are file parts, arrays repeat the field, anything else is text; a
/// hashtable value describes one part (File or Value, and optionally FileName and ContentType).
/// </summary>
internal sealed class UploadBinding
{
    private const string ConflictingParameters = ErrorIds.ConflictingParameters;
    private static readonly string[] s_partKeys = { "File", "Value", "FileName", "ContentType" };

    private readonly Func<string, string> _resolvePath;
    private readonly string? _inFile;
    private readonly FormUpload? _form;
    private readonly string? _contentType;

    /// <summary>Checks the cmdlet's own body parameters once; a problem with them stops the batch (nothing could be sent).</summary>
    public UploadBinding(RequestDefaults defaults, Func<string, string> resolvePath)
    {
        _resolvePath = resolvePath;
        _contentType = defaults.ContentType;
        var sources = (defaults.Body is null ? 0 : 1) + (defaults.InFile is null ? 0 : 1) + (defaults.Form is null ? 0 : 1);
        if (sources > 1)
        {
            throw new InvalidInputException(ConflictingParameters, "-Body, -InFile and -Form each give the body; use one of them");
        }

        if (defaults.Form is not null && defaults.ContentType is not null)
        {
            throw new InvalidInputException(ConflictingParameters, "-Form sends multipart/form-data with its own boundary; leave out -ContentType");
        }

        if (defaults.InFile is not null)
        {
            _inFile = ResolveFile(defaults.InFile, "the InFile");
        }

        if (defaults.Form is not null)
        {
            _form = Form(defaults.Form);
        }
    }

    /// <param name="hasBody">The item has a Body of its own.</param>
    /// <param name="inFile">The item's InFile, if any.</param>
    /// <param name="form">The item's Form, if any.</param>
    /// <param name="itemContentType">The item's ContentType, if any.</param>
    /// <param name="method">The item's method (POST gets Invoke-WebRequest's default Content-Type for a file).</param>
    /// <returns>The item's streamed body, or null when its body (if any) is bytes from Body or -Body.</returns>
    public RequestUpload? For(bool hasBody, string? inFile, IDictionary? form, string? itemContentType, string method)
    {
        if ((hasBody ? 1 : 0) + (inFile is null ? 0 : 1) + (form is null ? 0 : 1) > 1)
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, "the item has more than one of Body, InFile and Form; give it one body");
        }

        if (form is not null && itemContentType is not null)
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, "the item's Form is sent as multipart/form-data with its own boundary; leave out its ContentType");
        }

        if (hasBody)
        {
            return null;
        }

        if (inFile is not null || (form is null && _inFile is not null))
        {
            var path = inFile is null ? _inFile! : ResolveFile(inFile, "the InFile");

            // Invoke-WebRequest's rule: the given type; for POST without one, application/x-www-form-urlencoded; else none.
            var contentType = itemContentType ?? _contentType ?? (method == "POST" ? BodyEncoding.FormMediaType : null);
            return new FileUpload(path, contentType);
        }

        return form is not null ? Form(form) : _form;
    }

    private FormUpload Form(IDictionary form)
    {
        var parts = new List<FormPart>();
        foreach (DictionaryEntry entry in form)
        {
            Add(parts, RequestSpecBuilder.ToText(entry.Key), entry.Value, enumerate: true);
        }

        return new FormUpload(parts);
    }

    private void Add(List<FormPart> parts, string name, object? value, bool enumerate)
    {
        switch (value is PSObject pso ? pso.BaseObject : value)
        {
            case FileInfo file:
                parts.Add(FormPart.File(name, ResolveFile(file.FullName, $"the file of form field '{name}'")));
                break;
            case DirectoryInfo directory:
                throw new InvalidInputException(ErrorIds.InvalidInFile, $"form field '{name}' holds the directory '{directory.FullName}'; give files (Get-ChildItem -File)");
            case IDictionary part:
                parts.Add(Part(name, part));
                break;
            case IEnumerable items and not string when enumerate:
                foreach (var item in items)
                {
                    Add(parts, name, item, enumerate: false);
                }

                break;
            case var text:
                parts.Add(FormPart.Text(name, RequestSpecBuilder.ToText(text)));
                break;
        }
    }

    /// <summary>A hashtable that describes one part: File (a FileInfo or path) or Value, optionally FileName and ContentType.</summary>
    private FormPart Part(string name, IDictionary part)
    {
        object? file = null, value = null;
        string? fileName = null, contentType = null;
        bool hasFile = false, hasValue = false;
        foreach (DictionaryEntry entry in part)
        {
            var key = RequestSpecBuilder.ToText(entry.Key);
            var item = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
            switch (Array.FindIndex(s_partKeys, k => k.Equals(key, StringComparison.OrdinalIgnoreCase)))
            {
                case 0: (file, hasFile) = (item, true); break;
                case 1: (value, hasValue) = (item, true); break;
                case 2: fileName = RequestSpecBuilder.ToText(item); break;
                case 3: contentType = RequestSpecBuilder.ToText(item); break;
                default:
                    throw new InvalidInputException(ErrorIds.InvalidBody, $"form field '{name}' has the unknown key '{key}'; a part takes File or Value, and optionally FileName and ContentType");
            }
        }

        if (hasFile == hasValue)
        {
            throw new InvalidInputException(ErrorIds.InvalidBody, $"form field '{name}' needs exactly one of File and Value");
        }

        if (contentType is not null)
        {
            BodyEncoding.ValidateContentType(contentType);
            _ = BodyEncoding.EncodingFor(contentType);
        }

        if (hasValue)
        {
            return FormPart.Text(name, RequestSpecBuilder.ToText(value), contentType);
        }

        var what = $"the file of form field '{name}'";
        var path = file is FileInfo info ? info.FullName : RequestSpecBuilder.ToText(file);
        return FormPart.File(name, ResolveFile(path, what), string.IsNullOrEmpty(fileName) ? null : fileName, contentType);
    }

    /// <summary>The full path of an existing, readable file (relative paths resolve against the PowerShell location).</summary>
    private string ResolveFile(string path, string what)
    {
        string full;
        try
        {
            full = _resolvePath(path);
        }
        catch (Exception ex) when (ex is not InvalidInputException)
        {
            throw new InvalidInputException(ErrorIds.InvalidInFile, $"{what} '{path}' is not a usable path: {ex.Message}");
        }

        RequestUpload.CheckFile(full, what);
        return full;
    }
}
