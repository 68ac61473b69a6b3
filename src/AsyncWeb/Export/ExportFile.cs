using System;
using System.IO;

namespace AsyncWeb.Export;

/// <summary>
/// An exported file written beside its target and renamed into place when complete, so a stopped or failed export
/// never leaves half a file under the name (nor destroys the file it would have replaced).
/// </summary>
internal sealed class ExportFile : IDisposable
{
    private const string TempSuffix = ".asyncweb-tmp";
    private readonly string _temp;
    private bool _committed;

    public ExportFile(string path, bool noClobber)
    {
        Path = path;
        if (noClobber && File.Exists(path))
        {
            throw new IOException($"'{path}' exists and -NoClobber was given");
        }

        _temp = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + TempSuffix;
        Stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
    }

    public string Path { get; }

    public Stream Stream { get; }

    /// <summary>Closes the file and puts it in place (replacing what was there unless -NoClobber).</summary>
    public void Commit(bool noClobber)
    {
        Stream.Dispose();
        if (File.Exists(Path))
        {
            if (noClobber)
            {
                throw new IOException($"'{Path}' exists and -NoClobber was given");
            }

            File.Delete(Path);
        }

        File.Move(_temp, Path);
        _committed = true;
    }

    /// <summary>Without a commit: the temporary file is removed.</summary>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
        {
            try
            {
                File.Delete(_temp);
            }
            catch (IOException)
            {
                // Left behind: the name says what it is.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
