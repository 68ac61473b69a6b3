using System;
using System.IO;
using System.Text;

namespace AsyncWeb.Downloads;

/// <summary>
/// The small text files AsyncWeb keeps beside downloads (the validator of a -Resume partial file, the records of
/// -IfChanged): written whole or not at all (a temporary file of <see cref="AtomicFileWriter"/>'s naming, then a
/// rename over the old one), so a crash never leaves half a validator, and read as missing when unreadable.
/// </summary>
internal static class SidecarFile
{
    private static readonly Encoding s_utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> atomically; IO failures surface as IOException.</summary>
    public static void Write(string path, string text)
    {
        var temp = AtomicFileWriter.TempPathFor(path);
        try
        {
            File.WriteAllText(temp, text, s_utf8);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            AtomicFileWriter.DeleteQuietly(temp);
            throw;
        }
    }

    /// <summary>The text of <paramref name="path"/>, or null when it is missing or cannot be read.</summary>
    public static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path, s_utf8) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
