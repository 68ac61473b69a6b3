using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Downloads;

/// <summary>Marks a local file failure, so it is not mistaken for a network one.</summary>
internal sealed class FileWriteException : IOException
{
    public FileWriteException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
