using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace AsyncWeb.LoadContext;

/// <summary>
/// Private load context for AsyncWeb and its dependencies. Assemblies found in the module's
/// dependency folder load here; everything else (System.*, System.Management.Automation) falls
/// back to the default context so PowerShell's own types stay shared.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object s_gate = new();
    private static ModuleLoadContext? s_instance;
    private readonly string _dependencyDirectory;

    private ModuleLoadContext(string dependencyDirectory)
        : base("AsyncWeb", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    /// <summary>
    /// Loads AsyncWeb.dll from <paramref name="dependencyDirectory"/> into the private context (once per process),
    /// or from its ReadyToRun-compiled sibling for this platform (bin/lib-linux-x64 beside bin/lib) when the
    /// build made one: such code is native to one OS and architecture, and elsewhere would not load at all.
    /// </summary>
    public static Assembly Initialize(string dependencyDirectory)
    {
        lock (s_gate)
        {
            s_instance ??= new ModuleLoadContext(Path.GetFullPath(ForThisPlatform(dependencyDirectory)));
            return s_instance.LoadFromAssemblyName(new AssemblyName("AsyncWeb"));
        }
    }

    /// <summary>The ReadyToRun folder for this OS and architecture when there is one, else the portable IL folder.</summary>
    internal static string ForThisPlatform(string dependencyDirectory)
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : null;
        if (os is null || Environment.GetEnvironmentVariable("ASYNCWEB_NO_READYTORUN") == "1")
        {
            return dependencyDirectory;
        }

        var native = dependencyDirectory.TrimEnd('/', '\\') + "-" + os + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return File.Exists(Path.Combine(native, "AsyncWeb.dll")) ? native : dependencyDirectory;
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
