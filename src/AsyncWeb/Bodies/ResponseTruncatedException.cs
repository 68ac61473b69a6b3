using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.Bodies;

/// <summary>Raised when the connection closed cleanly before the body reached its Content-Length.</summary>
internal sealed class ResponseTruncatedException : IOException
{
    public ResponseTruncatedException(long received, long declared, Exception? inner = null)
        : base($"the connection closed after {received:N0} of the {declared:N0} bytes its Content-Length promised", inner)
    {
    }
}
