using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace AsyncWeb.Timeouts;

/// <summary>Thrown by the connect callback when ConnectTimeout elapses, so the timeout kind survives HttpClient's wrapping.</summary>
internal sealed class ConnectTimeoutException : TimeoutException
{
    public ConnectTimeoutException(string endpoint, TimeSpan timeout)
        : base($"could not connect to {endpoint} within {timeout.TotalSeconds:0.###} s (ConnectTimeoutSec)")
    {
    }
}
