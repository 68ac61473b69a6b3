using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace AsyncWeb.Timeouts;

/// <summary>Which of the engine's own timers fired when an attempt was cancelled.</summary>
internal enum TimerFired
{
    None,
    Operation,
    Request,
}
