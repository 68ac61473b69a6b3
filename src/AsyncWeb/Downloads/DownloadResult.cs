using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Downloads;

/// <summary>What a download produced: the file, its length and hash, or why it was not kept.</summary>
internal sealed record DownloadResult(string OutFile, long ContentLength, string? Sha256, bool Resumed, WebBatchError? Failure = null);
