# Loader for the AsyncWeb binary module.
# On PowerShell 7.4+ the cmdlet assembly and its dependencies (Polly) load into AsyncWeb's own
# AssemblyLoadContext, so a different Polly loaded by another module never clashes with ours.

$minimum = [version]'7.4'
if ($PSVersionTable.PSVersion -lt $minimum) {
    throw "AsyncWeb needs PowerShell $minimum or later (this is $($PSVersionTable.PSVersion)). Install PowerShell 7 and import the module there."
}

# [IO.Path]::Combine, not Join-Path: Join-Path would auto-load Microsoft.PowerShell.Management at import.
$bin = [System.IO.Path]::Combine($PSScriptRoot, 'bin')

# The load context assembly lives in the default context; loading the same path again returns the
# assembly already loaded (a re-import). Calling it by reflection avoids resolving a type name, which
# (like Add-Type) would cost tens of milliseconds at every import.
$contextAssembly = [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyPath([System.IO.Path]::Combine($bin, 'AsyncWeb.LoadContext.dll'))
$initialize = $contextAssembly.GetType('AsyncWeb.LoadContext.ModuleLoadContext').GetMethod('Initialize')
$assembly = $initialize.Invoke($null, @([System.IO.Path]::Combine($bin, 'lib')))
$inner = Import-Module -Assembly $assembly -PassThru -ErrorAction Stop

# Re-export the nested binary module's cmdlets as this module's own (the manifest lists them).
$addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
    'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
foreach ($cmdlet in $inner.ExportedCmdlets.Values) {
    $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
}

$ExecutionContext.SessionState.Module.OnRemove = {
    Remove-Module -ModuleInfo $inner -Force -ErrorAction SilentlyContinue
}.GetNewClosure()
