using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace AsyncWeb.Tests.Architecture;

/// <summary>
/// The engine knows nothing of PowerShell: only the root (what users hold), Commands/ (cmdlets) and
/// Binding/ (PowerShell values into engine values) may name System.Management.Automation.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] PowerShellFolders = { "", "Commands", "Binding" };

    private static readonly Regex NamesPowerShell = new(@"\bSystem\.Management\.Automation\b|\bPSObject\b|\bPSCmdlet\b|\bErrorRecord\b", RegexOptions.Compiled);

    [Fact]
    public void OnlyTheRootCommandsAndBindingReferencePowerShell()
    {
        var offenders = SourceFiles()
            .Where(f => !PowerShellFolders.Contains(Folder(f)))
            .Where(f => File.ReadLines(f).Any(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && NamesPowerShell.IsMatch(line)))
            .Select(f => Path.GetRelativePath(SourceTree.Project, f))
            .ToArray();

        Assert.True(offenders.Length == 0, "PowerShell named outside the root, Commands/ and Binding/: " + string.Join(", ", offenders));
    }

    [Fact]
    public void NoCatchAllFolderHoldsSources()
    {
        // The regrouped tree: a flat Engine/ or Files/ folder must not come back.
        var folders = SourceFiles().Select(Folder).Distinct().ToArray();
        Assert.DoesNotContain("Engine", folders);
        Assert.DoesNotContain("Files", folders);
    }

    private static string[] SourceFiles() =>
        Directory.GetFiles(SourceTree.Project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
            .ToArray();

    private static string Folder(string file)
    {
        var relative = Path.GetRelativePath(SourceTree.Project, Path.GetDirectoryName(file)!);
        return relative == "." ? "" : relative.Split(Path.DirectorySeparatorChar)[0];
    }
}
