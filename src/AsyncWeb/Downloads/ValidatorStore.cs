using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace AsyncWeb.Downloads;

/// <summary>
/// What -IfChanged keeps of one committed download: the file it produced (name, length and last write time, to
/// tell whether it was changed or deleted locally since) and the server's validators (ETag, Last-Modified) to ask
/// with next time, with the file's SHA-256.
/// </summary>
internal sealed record ValidatorRecord(string FileName, long Length, long LastWriteTicksUtc, string? ETag, string? LastModified, string? Sha256)
{
    private const string Header = "asyncweb-validator 1";

    /// <summary>True when <paramref name="path"/> is still the file this record describes: there, same length, same last write time.</summary>
    public bool Describes(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length == Length && file.LastWriteTimeUtc.Ticks == LastWriteTicksUtc;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The record of the file at <paramref name="path"/> as it is now, with the validators the server sent for it.</summary>
    public static ValidatorRecord Of(string path, string? etag, string? lastModified, string? sha256)
    {
        var file = new FileInfo(path);
        return new ValidatorRecord(file.Name, file.Length, file.LastWriteTimeUtc.Ticks, etag, lastModified, sha256);
    }

    /// <summary>Lines of "name: value"; the file name percent-encoded, so no name can break a line.</summary>
    public string Serialize()
    {
        var text = new StringBuilder().Append(Header).Append('\n')
            .Append("file: ").Append(Uri.EscapeDataString(FileName)).Append('\n')
            .Append("length: ").Append(Length.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("mtime: ").Append(LastWriteTicksUtc.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line(text, "etag", ETag);
        Line(text, "last-modified", LastModified);
        Line(text, "sha256", Sha256);
        return text.ToString();
    }

    /// <summary>The record in <paramref name="text"/>, or null when it is not one (another version, damaged, incomplete).</summary>
    public static ValidatorRecord? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var lines = text.Split('\n');
        if (lines.Length == 0 || lines[0].TrimEnd('\r') != Header)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                values[line.Substring(0, colon)] = line.Substring(colon + 2);
            }
        }

        if (!values.TryGetValue("file", out var file) || file.Length == 0
            || !values.TryGetValue("length", out var length) || !long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            || !values.TryGetValue("mtime", out var mtime) || !long.TryParse(mtime, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return null;
        }

        var record = new ValidatorRecord(Uri.UnescapeDataString(file), bytes, ticks,
            values.TryGetValue("etag", out var etag) ? etag : null,
            values.TryGetValue("last-modified", out var modified) ? modified : null,
            values.TryGetValue("sha256", out var sha) ? sha : null);
        return record.ETag is null && record.LastModified is null ? null : record;
    }

    private static void Line(StringBuilder text, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value) && value!.IndexOfAny(new[] { '\r', '\n' }) < 0)
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }
    }
}

/// <summary>
/// Where -IfChanged keeps its records: in a hidden folder <see cref="FolderName"/> of the download directory, one
/// small file per request URL (for -OutFile: per URL and file name), named by a hash of it. A record is found
/// before the response names the file (-OutDirectory), survives a new process, contains no URL (so no secret of
/// one), and is replaced whole (<see cref="SidecarFile"/>).
/// </summary>
internal static class ValidatorStore
{
    /// <summary>The folder of records inside a download directory.</summary>
    public const string FolderName = ".asyncweb-validators";

    /// <summary>The record file for a request to <paramref name="uri"/> into <paramref name="directory"/>; <paramref name="outFileName"/> for -OutFile.</summary>
    public static string PathFor(string directory, Uri uri, string? outFileName)
    {
        var key = uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped) + "\n" + outFileName;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16).ToLowerInvariant();
        return Path.Combine(directory, FolderName, hash);
    }

    public static ValidatorRecord? Read(string directory, Uri uri, string? outFileName) =>
        ValidatorRecord.Parse(SidecarFile.Read(PathFor(directory, uri, outFileName)));

    /// <summary>Keeps <paramref name="record"/>; IO failures surface as IOException or UnauthorizedAccessException.</summary>
    public static void Save(string directory, Uri uri, string? outFileName, ValidatorRecord record)
    {
        var path = PathFor(directory, uri, outFileName);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            var created = Directory.CreateDirectory(folder);
            if (OperatingSystem.IsWindows())
            {
                created.Attributes |= FileAttributes.Hidden;
            }
        }

        SidecarFile.Write(path, record.Serialize());
    }

    /// <summary>Forgets the record (the server sent no validator for the new file).</summary>
    public static void Forget(string directory, Uri uri, string? outFileName) =>
        AtomicFileWriter.DeleteQuietly(PathFor(directory, uri, outFileName));
}
