#if !NET
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
/// </summary>
internal static class DependencyResolver
{
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
        var requested = new AssemblyName(args.Name);
        if (s_directory is null || string.IsNullOrEmpty(requested.Name))
        {
            return null;
        }

        var path = Path.Combine(s_directory, requested.Name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }

        var shipped = AssemblyName.GetAssemblyName(path);
        if (requested.Version is not null && shipped.Version is not null && shipped.Version < requested.Version)
        {
            return null;
        }

        return Assembly.LoadFrom(path);
    }
}
#endif
