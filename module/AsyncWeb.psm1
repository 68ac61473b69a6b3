# Loader for the AsyncWeb binary module: it picks the build for the running edition.
# - PowerShell 7.4+ (Core): bin/lib, built for net8.0 (SocketsHttpHandler: connect timeout, HTTP/2). The
#   cmdlet assembly and its dependencies (Polly) load into AsyncWeb's own AssemblyLoadContext, so a
#   different Polly loaded by another module never clashes with ours.
# - Windows PowerShell 5.1 (Desktop, .NET Framework 4.7.2+): bin/desktop, built for netstandard2.0 and
#   imported directly. .NET Framework has no AssemblyLoadContext, so that isolation is PowerShell 7
#   only: here AsyncWeb's Polly shares the process with any other module's Polly.
# $env:ASYNCWEB_LOAD_NETSTANDARD = '1' loads the netstandard2.0 build on PowerShell 7 too: a test hook,
# so the suite can run that build here. Assemblies are per process: set it before the first import.
# Written for both editions: no PowerShell 7-only syntax.
#
# Import time: every distinct .NET call, conversion or comparison in this script costs PowerShell a few
# milliseconds the first time a session runs it (more in a pwsh that is not ReadyToRun-compiled), so the
# PowerShell 7 path is kept to the few calls it needs: its paths are built as strings (.NET accepts '/'
# on Windows too), the version is checked on the runtime's major version (PowerShell 7.4 is the first on
# .NET 8), and PowerShell 7 by itself exports the nested binary module's cmdlets (the manifest's
# CmdletsToExport). Windows PowerShell keeps the explicit re-export it has always had.

if ($PSEdition -eq 'Desktop') {
    # 461808 is the Release key of .NET Framework 4.7.2, the first with everything netstandard2.0 needs in the box.
    $release = [Microsoft.Win32.Registry]::GetValue('HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full', 'Release', 0)
    if ($PSVersionTable.PSVersion -lt [version]'5.1' -or $release -lt 461808) {
        throw "AsyncWeb needs Windows PowerShell 5.1 on .NET Framework 4.7.2 or later, or PowerShell 7.4 or later (this is $($PSVersionTable.PSVersion), .NET Framework release $release)."
    }
}
elseif ([System.Environment]::Version.Major -lt 8) {
    throw "AsyncWeb needs PowerShell 7.4 or later, or Windows PowerShell 5.1 (this is $($PSVersionTable.PSVersion)). Install PowerShell 7 and import the module there."
}

if ($PSEdition -eq 'Desktop' -or $env:ASYNCWEB_LOAD_NETSTANDARD -eq '1') {
    # No load context: AsyncWeb.dll loads from bin/desktop, and its resolver answers for the dependencies
    # beside it whatever version their referrers ask for (the binding redirects a module cannot declare).
    # [IO.Path]::Combine, not Join-Path: Join-Path would auto-load Microsoft.PowerShell.Management at import.
    $desktop = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'desktop')
    $assembly = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($desktop, 'AsyncWeb.dll'))
    $register = $assembly.GetType('AsyncWeb.DependencyResolver', $true).GetMethod('Register', [System.Reflection.BindingFlags]'Static, Public, NonPublic')
    $null = $register.Invoke($null, @($desktop))
    $inner = Import-Module -Assembly $assembly -PassThru -ErrorAction Stop

    # Re-export the nested binary module's cmdlets as this module's own (the manifest lists them).
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    if ($addExportedCmdlet) {
        foreach ($cmdlet in $inner.ExportedCmdlets.Values) {
            $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
        }
    }
    else {
        # Should a PowerShell lack that internal method: the public way, slower to import.
        Export-ModuleMember -Cmdlet @($inner.ExportedCmdlets.Keys)
    }
}
else {
    # The load context assembly lives in the default context; loading the same path again returns the
    # assembly already loaded (a re-import). Calling it by reflection avoids resolving a type name, which
    # (like Add-Type) would cost tens of milliseconds at every import.
    $contextAssembly = [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyPath("$PSScriptRoot/bin/AsyncWeb.LoadContext.dll")
    $initialize = $contextAssembly.GetType('AsyncWeb.LoadContext.ModuleLoadContext').GetMethod('Initialize')
    $inner = Import-Module -Assembly $initialize.Invoke($null, @("$PSScriptRoot/bin/lib")) -PassThru -ErrorAction Stop
}

# Removing AsyncWeb (or importing it again with -Force) removes the nested binary module too, whose cleanup
# closes the connection pool; without this, a re-import with -Force finds no cmdlets. The block runs in this
# module's scope, where $inner is still set: no closure needed.
$ExecutionContext.SessionState.Module.OnRemove = { Remove-Module -ModuleInfo $inner -Force -ErrorAction SilentlyContinue }
