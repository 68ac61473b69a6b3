using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using AsyncWeb.Tests.Architecture;
using Xunit;

namespace AsyncWeb.Tests;

/// <summary>
/// Windows PowerShell's stand-in for binding redirects, over the netstandard2.0 build's folder (bin/desktop): every
/// reference between the shipped assemblies is answerable, and nothing is answered for anyone else.
/// </summary>
public class DependencyResolverTests
{
    private static readonly string s_desktop = DesktopFolder();

    private static readonly string s_outside = Path.Combine(Path.GetTempPath(), "OtherModule", "OtherModule.dll");

    [Fact]
    public void Every_reference_to_a_shipped_assembly_asks_for_the_shipped_version_or_older()
    {
        var shipped = Shipped();
        Assert.Contains("AsyncWeb", shipped.Keys);
        Assert.Contains("Polly.Core", shipped.Keys);

        var checkedReferences = 0;
        var tooNew = new List<string>();
        foreach (var file in shipped.Values.Select(s => s.Path))
        {
            foreach (var reference in References(file).Where(r => shipped.ContainsKey(r.Name!)))
            {
                checkedReferences++;
                if (reference.Version > shipped[reference.Name!].Version)
                {
                    tooNew.Add($"{Path.GetFileName(file)} asks for {reference.Name} {reference.Version}, {shipped[reference.Name!].Version} is shipped");
                }
            }
        }

        Assert.True(checkedReferences > 5, "too few references between shipped assemblies: " + checkedReferences);
        Assert.True(tooNew.Count == 0, string.Join("; ", tooNew));
    }

    [Fact]
    public void Every_shipped_assemblys_references_are_answered_with_the_shipped_file()
    {
        var shipped = Shipped();
        foreach (var file in shipped.Values.Select(s => s.Path))
        {
            foreach (var reference in References(file).Where(r => shipped.ContainsKey(r.Name!)))
            {
                Assert.Equal(shipped[reference.Name!].Path, DependencyResolver.Choose(s_desktop, reference, file, DependencyResolver.ShippedVersion));
            }
        }
    }

    [Theory]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("System.Memory, Version=4.0.1.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a")]
    [InlineData("Polly.Core, Version=8.0.0.0, Culture=neutral, PublicKeyToken=c8a3ffc3f8f825cc")]
    public void Requests_from_assemblies_outside_the_folder_are_left_to_others(string name)
    {
        var requested = new AssemblyName(name);
        Assert.NotNull(Shipped().GetValueOrDefault(requested.Name!).Path);
        Assert.Null(DependencyResolver.Choose(s_desktop, requested, s_outside, DependencyResolver.ShippedVersion));
        Assert.Null(DependencyResolver.Choose(s_desktop, requested, null, DependencyResolver.ShippedVersion));
        Assert.Null(DependencyResolver.Choose(s_desktop, requested, Path.Combine(s_desktop, "sub", "Polly.Core.dll"), DependencyResolver.ShippedVersion));
    }

    [Fact]
    public void Only_shipped_assemblies_are_answered_and_only_at_the_shipped_version_or_older()
    {
        var requester = Path.Combine(s_desktop, "AsyncWeb.dll");
        var polly = Shipped()["Polly.Core"];
        var newer = new AssemblyName("Polly.Core") { Version = new Version(polly.Version.Major + 1, 0, 0, 0) };
        Assert.Null(DependencyResolver.Choose(s_desktop, newer, requester, DependencyResolver.ShippedVersion));
        Assert.Null(DependencyResolver.Choose(s_desktop, new AssemblyName("Newtonsoft.Json, Version=13.0.0.0"), requester, DependencyResolver.ShippedVersion));
        Assert.Null(DependencyResolver.Choose(s_desktop, new AssemblyName("AsyncWeb.resources, Version=0.3.0.0"), requester, DependencyResolver.ShippedVersion));
        Assert.Equal(polly.Path, DependencyResolver.Choose(s_desktop, new AssemblyName("Polly.Core"), requester, DependencyResolver.ShippedVersion));
    }

    private static Dictionary<string, (string Path, Version Version)> Shipped() =>
        Directory.GetFiles(s_desktop, "*.dll")
            .Select(path => (Path: path, Name: AssemblyName.GetAssemblyName(path)))
            .ToDictionary(a => a.Name.Name!, a => (a.Path, a.Name.Version!), StringComparer.Ordinal);

    private static AssemblyName[] References(string file)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences
            .Select(handle => metadata.GetAssemblyReference(handle))
            .Select(reference => new AssemblyName(metadata.GetString(reference.Name)) { Version = reference.Version })
            .ToArray();
    }

    /// <summary>The netstandard2.0 build's output, of the configuration these tests were built in (the test project builds it).</summary>
    private static string DesktopFolder()
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar);
        var configuration = parts[Array.LastIndexOf(parts, "bin") + 1];
        var folder = Path.Combine(SourceTree.Project, "bin", configuration, "netstandard2.0");
        Assert.True(File.Exists(Path.Combine(folder, "AsyncWeb.dll")), "the netstandard2.0 build is not at " + folder);
        return folder;
    }
}
