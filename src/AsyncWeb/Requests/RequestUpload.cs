using System;
using System.IO;
using System.Net.Http;

namespace AsyncWeb.Requests;

/// <summary>
/// A request body streamed from disk (-InFile, -Form with files) rather than held as bytes. Its content is
/// made anew for every request sent, so a retry or a 307/308 redirect re-opens each file from the start and
/// re-sends every byte; memory stays flat whatever the file's size.
/// </summary>
internal abstract class RequestUpload
{
    /// <summary>A fresh content for one request; a file that can no longer be read is <see cref="ErrorIds.InvalidInFile"/>.</summary>
    public abstract HttpContent CreateContent();

    /// <summary>Refuses a path that is not an existing, readable file, naming <paramref name="what"/> (e.g. "the InFile").</summary>
    public static void CheckFile(string path, string what)
    {
        using var probe = OpenFile(path, what);
    }

    /// <summary>Opens a file to stream, with the reason it cannot be as an <see cref="InvalidInputException"/>.</summary>
    protected static HttpContent OpenContent(string path, string what) => new FileContent(OpenFile(path, what));

    private static FileStream OpenFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidInputException(ErrorIds.InvalidInFile, $"{what} '{path}' is a directory, not a file");
        }

        try
        {
            // No FileStream buffer of its own (FileContent reads in large chunks), synchronous reads (FileContent makes
            // them between its writes) and the kernel's read-ahead of a sequential scan.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException(ErrorIds.InvalidInFile, $"{what} '{path}' does not exist");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidInputException(ErrorIds.InvalidInFile, $"{what} '{path}' cannot be read: {ex.Message}");
        }
    }
}
