using System;
using System.IO;
using System.Reflection;
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

    /// <summary>Loads AsyncWeb.dll from <paramref name="dependencyDirectory"/> into the private context (once per process).</summary>
    public static Assembly Initialize(string dependencyDirectory)
    {
        lock (s_gate)
        {
            s_instance ??= new ModuleLoadContext(Path.GetFullPath(dependencyDirectory));
            return s_instance.LoadFromAssemblyName(new AssemblyName("AsyncWeb"));
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
