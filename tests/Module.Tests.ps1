BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).Path
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
    $script:server = Get-TestServer
    $script:base = $server.Http
}

Describe 'The AsyncWeb module' {
    It 'imports from the laid-out folder and exports exactly the manifest''s cmdlets' {
        Import-Module $modulePath -Force
        $manifest = Import-PowerShellDataFile (Join-Path $modulePath 'AsyncWeb.psd1')
        $exported = (Get-Command -Module AsyncWeb).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has a valid manifest stamped with the version from Directory.Build.props' {
        $info = Test-ModuleManifest (Join-Path $modulePath 'AsyncWeb.psd1')
        $props = [xml](Get-Content -Raw (Join-Path $repoRoot 'Directory.Build.props'))
        $info.Version | Should -Be ([version]($props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1))
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $info.PowerShellVersion | Should -Be ([version]'5.1')
        $info.ExportedFormatFiles | Should -Not -BeNullOrEmpty
    }

    It 'lays out the Windows PowerShell build beside the PowerShell 7 one, each with its dependencies' {
        $lib = (Get-ChildItem (Join-Path $modulePath 'bin/lib') -Filter *.dll).Name
        $desktop = (Get-ChildItem (Join-Path $modulePath 'bin/desktop') -Filter *.dll).Name
        foreach ($name in 'AsyncWeb.dll', 'Polly.Core.dll', 'Polly.RateLimiting.dll', 'System.Threading.RateLimiting.dll') {
            $lib | Should -Contain $name
            $desktop | Should -Contain $name
        }
        foreach ($name in 'System.Memory.dll', 'System.Buffers.dll', 'Microsoft.Bcl.AsyncInterfaces.dll', 'Microsoft.Bcl.TimeProvider.dll', 'System.Text.Json.dll') {
            $desktop | Should -Contain $name -Because '.NET Framework lacks what net8.0 has in the box'
        }
    }

    It 'loads the netstandard2.0 build from bin/desktop, without a load context, when the Windows PowerShell path is taken' {
        $lines = Invoke-FreshPwsh @"
`$env:ASYNCWEB_LOAD_NETSTANDARD = '1'
Import-Module '$modulePath'
`$assembly = [AsyncWeb.WebBatchResult].Assembly
'framework=' + `$assembly.GetCustomAttributes([Runtime.Versioning.TargetFrameworkAttribute], `$false)[0].FrameworkName
'folder=' + (Split-Path -Leaf (Split-Path -Parent `$assembly.Location))
'context=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$assembly).Name
`$r = '$base/retry/$([guid]::NewGuid())?failures=1&status=503' | Invoke-AsyncWebBatch -MaximumRetryCount 2 -RetryIntervalSec 0.05
'status=' + `$r.StatusCode + ' attempts=' + `$r.Attempts
"@
        $lines | Should -Contain 'framework=.NETStandard,Version=v2.0'
        $lines | Should -Contain 'folder=desktop'
        $lines | Should -Contain 'context=Default'
        $lines | Should -Contain 'status=200 attempts=2' -Because 'Polly from bin/desktop retries the 503'
    }

    It 'loads the ReadyToRun copy for this platform when the build made one, and its precompiled code runs' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build (Windows PowerShell) is IL only' }
        $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
        $native = "lib-$os-$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant())"
        if (-not (Test-Path (Join-Path $modulePath "bin/$native/AsyncWeb.dll"))) { Set-ItResult -Skipped -Because "the build made no $native (no crossgen2 for this platform)" }
        # Methods the JIT compiles for a first call: with the precompiled copy, none of AsyncWeb's own.
        $probe = @"
Import-Module '$modulePath'
`$assembly = [AsyncWeb.WebBatchResult].Assembly
'folder=' + (Split-Path -Leaf (Split-Path -Parent `$assembly.Location))
`$before = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$false)
`$r = "$base/retry/`$([guid]::NewGuid())?failures=1&status=503" | Invoke-AsyncWebBatch -MaximumRetryCount 2 -RetryIntervalSec 0.05
'jitted=' + ([System.Runtime.JitInfo]::GetCompiledMethodCount(`$false) - `$before)
'status=' + `$r.StatusCode + ' attempts=' + `$r.Attempts
'polly=' + (Split-Path -Leaf (Split-Path -Parent ([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$assembly).Assemblies | Where-Object { `$_.GetName().Name -eq 'Polly.Core' }).Location))
"@
        # Tiering off: each method is compiled once, so the count is what the call compiles, not also the tier-ups of hot
        # methods, whose number and timing move with the machine's load (they made the two counts cross on a loaded machine).
        $lines = Invoke-FreshPwsh $probe -Environment @{ ASYNCWEB_NO_READYTORUN = $null; DOTNET_TieredCompilation = '0' }
        $lines | Should -Contain "folder=$native"
        $lines | Should -Contain "polly=$native" -Because 'Polly comes from the same folder'
        $lines | Should -Contain 'status=200 attempts=2'
        $compiled = [int](($lines | Where-Object { $_ -like 'jitted=*' }) -replace 'jitted=')

        $lines = Invoke-FreshPwsh $probe -Environment @{ ASYNCWEB_NO_READYTORUN = '1'; DOTNET_TieredCompilation = '0' }
        $lines | Should -Contain 'folder=lib' -Because 'ASYNCWEB_NO_READYTORUN=1 loads the portable IL build'
        $lines | Should -Contain 'status=200 attempts=2'
        $interpreted = [int](($lines | Where-Object { $_ -like 'jitted=*' }) -replace 'jitted=')
        # Counts, not times: the IL build compiles AsyncWeb's own methods on top of what both compile.
        $compiled | Should -BeLessThan ($interpreted - 100) -Because "the precompiled code is used ($compiled methods jitted against $interpreted from IL)"
    }

    It 'loads its assembly and Polly into its own AssemblyLoadContext' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'the netstandard2.0 build (Windows PowerShell) has no AssemblyLoadContext' }
        Import-Module $modulePath -Force
        $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([AsyncWeb.WebBatchResult].Assembly)
        $context.Name | Should -Be 'AsyncWeb'
        $context.Assemblies.GetName().Name | Should -Contain 'AsyncWeb'
    }

    It 'still retries through its own Polly when a different Polly is already loaded' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Polly isolation is PowerShell 7 only: .NET Framework has no AssemblyLoadContext' }
        $nuget = if ($env:ASYNCWEB_NUGET_PACKAGES) { $env:ASYNCWEB_NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        $oldPolly = Get-ChildItem (Join-Path $nuget 'polly.core/8.4.2/lib') -Recurse -Filter Polly.Core.dll | Select-Object -First 1
        $oldPolly | Should -Not -BeNullOrEmpty -Because 'build.ps1 restores Polly.Core 8.4.2 for this test'
        $key = [guid]::NewGuid()
        $lines = Invoke-FreshPwsh @"
Add-Type -Path '$($oldPolly.FullName)'
Import-Module '$modulePath'
`$r = '$base/retry/$($key)?failures=2&status=503' | Invoke-AsyncWebBatch -MaximumRetryCount 3 -RetryIntervalSec 0.05
'attempts=' + `$r.Attempts
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Polly.Core' } | ForEach-Object {
    'polly=' + `$_.GetName().Version + '@' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name
}
"@
        $lines | Should -Contain 'attempts=3'
        ($lines | Where-Object { $_ -like 'polly=*@Default' }) | Should -Not -BeNullOrEmpty -Because "the other Polly is in the default context: $lines"
        ($lines | Where-Object { $_ -like 'polly=*@AsyncWeb' }) | Should -Not -BeNullOrEmpty
    }

    It 'releases its connections when removed' {
        Import-Module $modulePath -Force
        $null = "$base/json" | Invoke-AsyncWebBatch
        Reset-TestServerStats -Server $server
        $null = "$base/json" | Invoke-AsyncWebBatch
        # The one connection counted is Get-TestServerStats' own (Invoke-RestMethod opens a new one per call).
        (Get-TestServerStats -Server $server).connections | Should -Be 1 -Because 'the pooled connection is reused while the module is loaded'

        { Remove-Module AsyncWeb -Force } | Should -Not -Throw
        Get-Module AsyncWeb | Should -BeNullOrEmpty
        Get-Module -All | Where-Object Name -Like '*AsyncWeb*' | Should -BeNullOrEmpty -Because 'the nested binary module goes with it'

        # The assembly stays loaded, so a pool that survived the removal would serve the re-imported module's request.
        Import-Module $modulePath -Force
        Reset-TestServerStats -Server $server
        ("$base/json" | Invoke-AsyncWebBatch).StatusCode | Should -Be 200
        (Get-TestServerStats -Server $server).connections | Should -Be 2 -Because 'removing the module closed its pooled connection, so the request opened a new one'
    }
}

Describe 'Documentation stays true to the code' {
    It 'documents every ErrorId in the README and in the help' {
        Import-Module $modulePath -Force
        $type = [AsyncWeb.WebBatchResult].Assembly.GetType('AsyncWeb.ErrorIds', $true)
        $ids = $type.GetFields([Reflection.BindingFlags]'Public, Static') | ForEach-Object { $_.GetValue($null) }
        $ids.Count | Should -BeGreaterThan 20
        $readme = Get-Content -Raw (Join-Path $repoRoot 'README.md')
        $help = (Get-Help Invoke-AsyncWebBatch -Full | Out-String)
        foreach ($id in $ids) {
            $readme | Should -Match "\b$id\b" -Because "README.md's ErrorId table lists $id"
            $help | Should -Match "\b$id\b" -Because "Invoke-AsyncWebBatch's help lists $id"
        }
    }

    It 'names in the README only parameters that exist' {
        Import-Module $modulePath -Force
        $readme = Get-Content -Raw (Join-Path $repoRoot 'README.md')
        # The table of differences names Invoke-WebRequest's and Invoke-RestMethod's parameters too (and AsyncWeb's aliases).
        $aliases = (Get-Command -Module AsyncWeb).Parameters.Values | ForEach-Object Aliases
        $webCmdlets = (Get-Command Invoke-WebRequest, Invoke-RestMethod).Parameters.Keys
        # build.ps1's own parameters (Test -TestPath, Soak -Seconds/-Seed ...) are named in the set-up and testing sections.
        $build = (Get-Command (Join-Path $repoRoot 'build.ps1')).Parameters.Keys
        $known = (Get-Command -Module AsyncWeb).Parameters.Keys + $aliases + $webCmdlets + $build + [System.Management.Automation.PSCmdlet]::CommonParameters + @('Tag', 'Detached')
        $mentioned = [regex]::Matches($readme, '(?<![\w-])-([A-Z][A-Za-z0-9]+)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $unknown = $mentioned | Where-Object { $_ -notin $known -and $_ -notin 'NoProfile', 'First', 'Full', 'Examples', 'Force', 'AsSecureString', 'Parallel', 'Module', 'ThrottleLimit', 'Wait', 'AutoRemoveJob', 'Trusted', 'Repository', 'File',
            # New-PSSession and Select-Object, in the remoting recipe; Format-Table and Sort-Object, in the slow-endpoints recipe
            'HostName', 'UserName', 'KeyFilePath', 'ExcludeProperty', 'View', 'Descending' }
        $unknown | Should -BeNullOrEmpty
    }
}

Describe 'build.ps1 Demo' {
    It 'prints one requests-per-second figure for its run: the summary''s' {
        $lines = Invoke-FreshPwsh "& '$(Join-Path $repoRoot 'build.ps1')' Demo -NoBuild -Count 40" -WorkingDirectory $repoRoot -Environment @{ ASYNCWEB_TEST_SERVER = $null } -TimeoutSec 180
        $text = ($lines -join "`n") -replace '\e\[[\d;]*m'   # list labels may come coloured
        $figures = @([regex]::Matches($text, '(?m)RequestsPerSecond\s*:\s*([\d.,]+)|([\d.,]+) req/s') | ForEach-Object {
                if ($_.Groups[1].Success) { $_.Groups[1].Value } else { $_.Groups[2].Value }
            })
        $figures.Count | Should -Be 2 -Because "the summary and the closing line each state it once: $text"
        $figures[1] | Should -Be $figures[0]
    }
}
