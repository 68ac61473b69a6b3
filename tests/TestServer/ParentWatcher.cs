using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncWeb.TestServer;

/// <summary>Ends the server when the process that started it is gone, so a crashed test run leaves no orphan.</summary>
internal static class ParentWatcher
{
    public static void Start(int parentPid)
    {
        if (!IsAlive(parentPid))
        {
            Environment.Exit(0);
        }

        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            while (await timer.WaitForNextTickAsync())
            {
                if (!IsAlive(parentPid))
                {
                    Environment.Exit(0);
                }
            }
        });
    }

    private static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // Process.HasExited cannot wait on a process that is not our child, and a zombie still
            // answers kill(pid, 0); /proc says plainly: state Z (zombie) or X (dead) means gone.
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                int afterName = stat.LastIndexOf(')');
                char state = afterName >= 0 && afterName + 2 < stat.Length ? stat[afterName + 2] : '?';
                return state is not ('Z' or 'X');
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false; // exited while we looked
        }
    }
}
