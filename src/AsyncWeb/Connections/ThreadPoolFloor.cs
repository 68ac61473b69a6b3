using System;
using System.Threading;

namespace AsyncWeb.Connections;

/// <summary>
/// On .NET Framework, HttpWebRequest resolves the host name and the system proxy (WPAD, a PAC script)
/// synchronously on the thread-pool thread that starts each request, so a batch of ThrottleLimit requests to a
/// slow resolver holds that many pool threads; the pool adds threads only about twice a second, and AsyncWeb's own
/// timers and retry delays, which run on the pool, fire late meanwhile. The pool's minimum is raised to what a
/// batch can hold, so it adds them at once. Raised only, never lowered, and never on .NET (PowerShell 7), whose
/// handler resolves asynchronously.
/// </summary>
internal static class ThreadPoolFloor
{
    /// <summary>No batch needs more threads created at once than this; beyond it the pool's own growth applies.</summary>
    public const int MaximumFloor = 512;

    /// <summary>The new minimum of worker threads, or null to leave <paramref name="currentMinimum"/> as it is.</summary>
    public static int? Raise(int currentMinimum, int throttleLimit, int processorCount, bool isNetFramework)
    {
        if (!isNetFramework)
        {
            return null;
        }

        var wanted = Math.Min(MaximumFloor, Math.Max(0, throttleLimit) + processorCount);
        return wanted > currentMinimum ? wanted : null;
    }

    /// <summary>Applies <see cref="Raise"/> to the running process for a batch of <paramref name="throttleLimit"/>.</summary>
    public static void Ensure(int throttleLimit)
    {
        if (!FrameworkFacts.Current.IsNetFramework)
        {
            return;
        }

        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (Raise(workers, throttleLimit, Environment.ProcessorCount, isNetFramework: true) is { } raised)
        {
            ThreadPool.SetMinThreads(raised, completionPorts);
        }
    }
}
