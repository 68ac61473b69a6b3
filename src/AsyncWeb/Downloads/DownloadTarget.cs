using System.IO;
using System.Net.Http.Headers;

namespace AsyncWeb.Downloads;

/// <summary>Where one body goes, decided once: a path to write, or why nothing is written (skipped, or a failure).</summary>
internal sealed record DownloadTarget(string Path, bool Skip = false, WebBatchError? Failure = null)
{
    /// <summary>True when the body is to be written to <see cref="Path"/>.</summary>
    public bool Writes => !Skip && Failure is null;
}
