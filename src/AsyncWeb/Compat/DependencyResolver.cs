using System;
using System.IO;
using System.Reflection;

namespace AsyncWeb;

/// <summary>
/// Windows PowerShell has no AssemblyLoadContext and a module cannot declare binding redirects, yet its
/// dependencies disagree on versions (Polly.Core asks for Microsoft.Bcl.AsyncInterfaces 6.0.0.0,
/// System.Threading.RateLimiting for 8.0.0.0, System.Memory for older System.Buffers ...). This
/// handler is the redirect: a request for an assembly the module ships is answered with the shipped
/// file when that is the same version or newer. The loader (AsyncWeb.psm1) registers it before import.
/// AssemblyResolve is process-wide, so it answers only AsyncWeb's own assemblies (those in its folder): another
/// module's failed load of System.Memory or System.Text.Json stays that module's to resolve.
/// </summary>
internal static class DependencyResolver
{
#if !NET
    private static readonly object s_gate = new();
    private static string? s_directory;

    public static void Register(string directory)
    {
        lock (s_gate)
        {
            if (s_directory is not null)
            {
                return;
            }

            s_directory = Path.GetFullPath(directory);
            AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
        }
    }

    private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        if (s_directory is not { } directory)
        {
            return null;
        }

        var path = Choose(directory, new AssemblyName(args.Name), LocationOf(args.RequestingAssembly), ShippedVersion);
        return path is null ? null : Assembly.LoadFrom(path);
    }

    private static string? LocationOf(Assembly? assembly)
    {
        try
        {
            return assembly is null || assembly.IsDynamic ? null : assembly.Location;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
#endif

    /// <summary>
    /// The shipped file that answers <paramref name="requested"/>, or null to leave the request to others: only when
    /// the requester was loaded from <paramref name="directory"/>, the module ships a file of that name there, and its
    /// version (<paramref name="shippedVersion"/> of the path; null when not shipped) is the one asked for or newer.
    /// </summary>
    public static string? Choose(string directory, AssemblyName requested, string? requesterLocation, Func<string, Version?> shippedVersion)
    {
        if (string.IsNullOrEmpty(requested.Name) || requested.Name!.IndexOfAny(s_notInName) >= 0
            || string.IsNullOrEmpty(requesterLocation) || !InDirectory(directory, requesterLocation!))
        {
            return null;
        }

        var path = Path.Combine(directory, requested.Name + ".dll");
        var shipped = shippedVersion(path);
        if (shipped is null || (requested.Version is not null && shipped < requested.Version))
        {
            return null;
        }

        return path;
    }

    /// <summary>The version of the assembly file at <paramref name="path"/>, or null when there is none.</summary>
    public static Version? ShippedVersion(string path) =>
        File.Exists(path) ? AssemblyName.GetAssemblyName(path).Version : null;

    private static readonly char[] s_notInName = { '/', '\\', ':', '*', '?', '"', '<', '>', '|' };

    private static bool InDirectory(string directory, string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        return folder is not null && string.Equals(
            Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
            folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
