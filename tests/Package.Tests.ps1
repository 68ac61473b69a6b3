# The package users install by name: out/AsyncWeb.<version>.nupkg as `build.ps1 Package` makes it (build.ps1
# Test makes it first whenever this file is selected), its Gallery metadata, and an install from a local
# repository into a temporary folder that a fresh pwsh imports by name.
#
# PSResourceGet keeps repository registrations in <LocalApplicationData>/PSResourceGet/PSResourceRepository.xml
# (on Linux and macOS $XDG_DATA_HOME or $HOME/.local/share). The commands that register run in a child pwsh
# whose HOME and XDG_DATA_HOME are folders of this test, so the user's own list is never written on those
# systems, even if the run is killed; on Windows (where that folder cannot be redirected) the temporary entry
# goes into the user's list under a unique name and is removed in a finally block. Install-PSResource itself
# cannot be told where to install (-Scope CurrentUser is the user's own module folder), so the install uses
# Save-PSResource -IncludeXml: the same resolution and extraction, into a folder this test chooses.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
    $script:modulePath = Join-Path $repoRoot 'out/AsyncWeb'
    $script:manifestPath = Join-Path $modulePath 'AsyncWeb.psd1'
    $script:manifest = Import-PowerShellDataFile $manifestPath
    $script:version = $manifest.ModuleVersion
    $script:package = Join-Path $repoRoot "out/AsyncWeb.$version.nupkg"
    if (-not (Test-Path -LiteralPath $package)) {
        throw "$package is missing: run ./build.ps1 Package (build.ps1 Test makes it when this file is selected)."
    }

    $props = [xml](Get-Content -Raw (Join-Path $repoRoot 'Directory.Build.props'))
    $script:repositoryUrl = $props.Project.PropertyGroup.RepositoryUrl | Where-Object { $_ } | Select-Object -First 1
    $script:server = Get-TestServer
    $script:base = $server.Http

    # The files of a package (NuGet's own parts left out), each with its SHA-256.
    function Get-PackageFile([string] $Path) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            foreach ($entry in $zip.Entries) {
                if ($entry.FullName -match '^(\[Content_Types\]\.xml|_rels/.*|package/.*|AsyncWeb\.nuspec)$') { continue }
                $stream = $entry.Open()
                try { $hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($stream)) } finally { $stream.Dispose() }
                [pscustomobject]@{ Path = $entry.FullName; Sha256 = $hash }
            }
        }
        finally { $zip.Dispose() }
    }

    function Get-Nuspec([string] $Path) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -EQ 'AsyncWeb.nuspec').Open())
            try { ([xml]$reader.ReadToEnd()).package.metadata } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    # A child pwsh whose PSResourceGet keeps its registrations (and CurrentUser installs) under $HomeFolder,
    # an empty folder as in CI unless -WithDataFolders makes the usual .local/share and .config. Its current
    # directory is an empty folder of its own, which must stay empty: .NET reports a missing data folder as
    # '' and PSResourceGet then writes its repository list into the current directory. Its last output
    # line is JSON.
    function Invoke-IsolatedPwsh([string] $Script, [string] $HomeFolder, [switch] $WithDataFolders) {
        $data = Join-Path $HomeFolder '.local/share'
        $config = Join-Path $HomeFolder '.config'
        $cwd = "$HomeFolder-cwd"
        New-Item -ItemType Directory -Force -Path $HomeFolder, $cwd | Out-Null
        if ($WithDataFolders) { New-Item -ItemType Directory -Force -Path $data, $config | Out-Null }
        $lines = @(Invoke-FreshPwsh $Script -TimeoutSec 180 -WorkingDirectory $cwd -Environment @{
            HOME = $HomeFolder; XDG_DATA_HOME = $data; XDG_CONFIG_HOME = $config; XDG_CACHE_HOME = (Join-Path $HomeFolder '.cache')
            POWERSHELL_TELEMETRY_OPTOUT = '1'; ASYNCWEB_LOAD_NETSTANDARD = $null
        })
        Get-ChildItem -LiteralPath $cwd -Force -Name | Should -BeNullOrEmpty -Because 'nothing is written into the current directory'
        $lines[-1] | ConvertFrom-Json
    }

    # The user's own repository list, read as a file (loading PSResourceGet here would create it).
    function Get-UserRepositoryList {
        $folder = [Environment]::GetFolderPath('LocalApplicationData', [Environment+SpecialFolderOption]::DoNotVerify)
        $file = Join-Path $folder 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path -LiteralPath $file) { Get-Content -Raw -LiteralPath $file } else { '' }
    }
}

Describe 'The AsyncWeb package' {
    Context 'its files' {
        It 'holds the manifest at the root, both builds, the load context, help, format and type data and the licence' {
            $files = (Get-PackageFile $package).Path
            ($files | Where-Object { $_ -notmatch '/' } | Sort-Object) |
                Should -Be @('AsyncWeb.format.ps1xml', 'AsyncWeb.psd1', 'AsyncWeb.psm1', 'AsyncWeb.types.ps1xml', 'LICENSE')
            foreach ($name in 'bin/AsyncWeb.LoadContext.dll', 'en-US/AsyncWeb.dll-Help.xml',
                'bin/lib/AsyncWeb.dll', 'bin/lib/Polly.Core.dll', 'bin/lib/Polly.RateLimiting.dll', 'bin/lib/System.Threading.RateLimiting.dll',
                'bin/desktop/AsyncWeb.dll', 'bin/desktop/Polly.Core.dll', 'bin/desktop/System.Memory.dll', 'bin/desktop/Microsoft.Bcl.AsyncInterfaces.dll') {
                $files | Should -Contain $name
            }
        }

        It 'holds nothing else: no test, bench, build or source files' {
            $allowed = '^(AsyncWeb\.(psd1|psm1|format\.ps1xml|types\.ps1xml)|LICENSE|bin/AsyncWeb\.LoadContext\.dll|bin/(lib|lib-(linux|win|osx)-(x64|arm64)|desktop)/[^/]+\.(dll|pdb)|en-US/AsyncWeb\.dll-Help\.xml)$'
            (Get-PackageFile $package).Path | Where-Object { $_ -notmatch $allowed } | Should -BeNullOrEmpty
        }

        It 'carries the laid-out module byte for byte, every file of it' {
            $laidOut = Get-ChildItem -LiteralPath $modulePath -Recurse -File | ForEach-Object {
                [pscustomobject]@{
                    Path   = [IO.Path]::GetRelativePath($modulePath, $_.FullName).Replace('\', '/')
                    Sha256 = (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash
                }
            }
            $packed = Get-PackageFile $package
            ($packed | Sort-Object Path | ForEach-Object { "$($_.Path) $($_.Sha256)" }) |
                Should -Be ($laidOut | Sort-Object Path | ForEach-Object { "$($_.Path) $($_.Sha256)" })
        }

        It 'describes itself to the Gallery with the manifest''s metadata' {
            $nuspec = Get-Nuspec $package
            $nuspec.id | Should -Be 'AsyncWeb'
            $nuspec.version | Should -Be $version
            $nuspec.projectUrl | Should -Be $repositoryUrl
            $nuspec.licenseUrl | Should -Be "$repositoryUrl/blob/main/LICENSE"
            $nuspec.releaseNotes | Should -Be $manifest.PrivateData.PSData.ReleaseNotes
            $nuspec.description | Should -Match 'PowerShell 6\.x to 7\.3 is not supported'
            foreach ($tag in 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS') {
                $nuspec.tags -split ' ' | Should -Contain $tag
            }
        }
    }

    Context 'its manifest' {
        It 'passes Test-ModuleManifest with the Gallery''s fields set' {
            $info = Test-ModuleManifest $manifestPath
            $info.Version | Should -Be ([version]$version)
            $info.Description | Should -Match 'PowerShell 6\.x to 7\.3 is not supported'
            $info.Author | Should -Not -BeNullOrEmpty
            $info.Tags | Should -Contain 'PSEdition_Core'
            $info.Tags | Should -Contain 'PSEdition_Desktop'
            $info.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty -Because 'Gallery tags have no spaces'
        }

        It 'takes ProjectUri from the one RepositoryUrl in Directory.Build.props, and LicenseUri from it' {
            $repositoryUrl | Should -Match '^https://'
            $manifest.PrivateData.PSData.ProjectUri | Should -Be $repositoryUrl
            $manifest.PrivateData.PSData.LicenseUri | Should -Be "$repositoryUrl/blob/main/LICENSE"
            (Get-Content -Raw (Join-Path $repoRoot 'AsyncWeb.psd1')) | Should -Not -Match ([regex]::Escape($repositoryUrl)) -Because 'the address is kept in one place'
        }

        It 'names in LicenseUri an MIT LICENSE the repository holds at that path, with the manifest''s copyright holder' {
            $relative = $manifest.PrivateData.PSData.LicenseUri.Substring("$repositoryUrl/blob/main/".Length)
            $file = Join-Path $repoRoot $relative
            Test-Path -LiteralPath $file -PathType Leaf | Should -BeTrue
            if (Get-Command git -CommandType Application -ErrorAction Ignore) {
                git -C $repoRoot ls-files --error-unmatch -- $relative 2>&1 | Should -Be $relative -Because 'the file is committed, not just on this disk'
            }
            $license = Get-Content -Raw -LiteralPath $file
            $license | Should -Match '^MIT License'
            $manifest.Copyright -match '^\(c\) (?<holder>.+)\. MIT License\.$' | Should -BeTrue -Because 'the manifest names the holder and the licence'
            $license | Should -Match ('Copyright ' + [regex]::Escape("(c) $($Matches.holder)"))
        }

        It 'carries this version''s CHANGELOG section as ReleaseNotes, within the Gallery''s 10,000 characters' {
            $notes = $manifest.PrivateData.PSData.ReleaseNotes
            $notes.Length | Should -BeLessOrEqual 10000
            $changelog = (Get-Content -Raw (Join-Path $repoRoot 'CHANGELOG.md')) -replace '\r\n', "`n"
            # A section over the limit is cut at a line end with a pointer to the rest (tested below): then the text before it is the CHANGELOG's.
            $shortened = $notes -match '(?s)^(?<kept>.*)\n\n\(Shortened to the 10000 characters the PowerShell Gallery accepts; the full notes: [^)]+\)$'
            if ($shortened) { $notes = $Matches.kept }
            $at = $changelog.IndexOf($notes)
            $at | Should -BeGreaterThan 0 -Because 'the notes are the CHANGELOG''s own text'
            $before = $changelog.Substring(0, $at).TrimEnd().Split("`n")[-1]
            $before | Should -Match ('^##\s+\[?' + [regex]::Escape($version) + '\]?(\s|$)') -Because 'they are the section under this version''s heading'
            $after = $changelog.Substring($at + $notes.Length).TrimStart()
            if ($after -and -not $shortened) { $after | Should -Match '^##\s' -Because 'the whole section, up to the next version' }
        }

        It 'is written with a byte-order mark, so Windows PowerShell 5.1 reads its non-ASCII release notes as UTF-8' {
            $bytes = [IO.File]::ReadAllBytes($manifestPath)
            $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
        }
    }

    Context 'release notes as module/Write-Manifest.ps1 makes them' {
        BeforeAll {
            $script:writer = Join-Path $repoRoot 'module/Write-Manifest.ps1'
            function Write-TestManifest([string] $Changelog, [string] $Version = '9.9.9') {
                $log = Join-Path $TestDrive 'CHANGELOG.md'
                Set-Content -LiteralPath $log -Value $Changelog -Encoding utf8NoBOM
                $target = Join-Path $TestDrive 'AsyncWeb.psd1'
                & $writer -Destination $target -Version $Version -RepositoryUrl 'https://example.test/owner/AsyncWeb' -Changelog $log
                Import-PowerShellDataFile $target
            }
        }

        It 'are cut at a line end to the Gallery''s 10,000 characters, with a link to the full CHANGELOG' {
            $lines = 1..400 | ForEach-Object { "- change number $_ of a long release, told at some length" }
            $written = Write-TestManifest ("# Changelog`n`n## 9.9.9 - unreleased`n`n" + ($lines -join "`n") + "`n`n## 9.9.8`n`n- older")
            $notes = $written.PrivateData.PSData.ReleaseNotes
            $notes.Length | Should -BeLessOrEqual 10000
            $notes.Length | Should -BeGreaterThan 9500
            $notes | Should -Match 'the full notes: https://example\.test/owner/AsyncWeb/blob/main/CHANGELOG\.md\)$'
            $kept = $notes.Substring(0, $notes.IndexOf("`n`n(Shortened")).Split("`n")
            $kept[0] | Should -Be $lines[0]
            $kept | Should -Be $lines[0..($kept.Count - 1)] -Because 'whole lines are kept, none cut in the middle'
            $notes | Should -Not -Match '9\.9\.8|older'
        }

        It 'keep quotes and non-ASCII text exactly, and stamp version and addresses' {
            $text = "- It's the user’s ‘choice’ — HTTPS→HTTP refused; `$env:HOME and `"double`" quotes"
            $written = Write-TestManifest "## [9.9.9]`n$text`n## 9.9.8`n- older"
            $written.PrivateData.PSData.ReleaseNotes | Should -BeExactly $text
            $written.ModuleVersion | Should -Be '9.9.9'
            $written.PrivateData.PSData.ProjectUri | Should -Be 'https://example.test/owner/AsyncWeb'
            $written.PrivateData.PSData.LicenseUri | Should -Be 'https://example.test/owner/AsyncWeb/blob/main/LICENSE'
        }

        It 'stop the build when CHANGELOG has no section for the version' {
            { Write-TestManifest "## 9.9.8`n- older" } | Should -Throw '*no section for version 9.9.9*'
        }
    }

    Context 'installed by name from a local repository' -Tag 'Slow' {
        BeforeAll {
            $script:repositoryName = "AsyncWebTest-$([guid]::NewGuid().ToString('n'))"
            $script:isolatedHome = Join-Path $TestDrive 'home'
            $script:feed = Join-Path $TestDrive 'feed'
            $script:installRoot = Join-Path $TestDrive 'modules'
            New-Item -ItemType Directory -Path $feed, $installRoot | Out-Null
            # A copy: a Package run elsewhere may rewrite out/ meanwhile.
            Copy-Item -LiteralPath $package -Destination $feed

            $script:install = Invoke-IsolatedPwsh -HomeFolder $isolatedHome -WithDataFolders @"
`$ErrorActionPreference = 'Stop'
`$result = [ordered]@{}
try {
    Register-PSResourceRepository -Name '$repositoryName' -Uri '$feed' -Trusted
    `$result.Registered = @(Get-PSResourceRepository -Name '$repositoryName').Count
    `$saved = Save-PSResource -Name AsyncWeb -Repository '$repositoryName' -Path '$installRoot' -IncludeXml -TrustRepository -PassThru
    `$result.Saved = "`$(`$saved.Name) `$(`$saved.Version)"
}
finally {
    Unregister-PSResourceRepository -Name '$repositoryName' -ErrorAction Ignore
}
`$result.Remaining = @(Get-PSResourceRepository | Where-Object Name -EQ '$repositoryName').Count
`$installed = Get-InstalledPSResource -Name AsyncWeb -Path '$installRoot'
`$result.Installed = "`$(`$installed.Name) `$(`$installed.Version) from `$(`$installed.Repository)"
`$result | ConvertTo-Json -Compress
"@
            $script:installed = Join-Path $installRoot 'AsyncWeb' $version

            # Imports AsyncWeb by name in a fresh pwsh that sees only the install folder and the built-in modules.
            function Invoke-InstalledModule([hashtable] $Environment = @{ ASYNCWEB_LOAD_NETSTANDARD = $null }) {
                $key = [guid]::NewGuid().ToString('n')
                $lines = @(Invoke-FreshPwsh -Environment $Environment @"
`$env:PSModulePath = '$installRoot' + [IO.Path]::PathSeparator + (Join-Path `$PSHOME 'Modules')
`$ErrorActionPreference = 'Stop'
Import-Module AsyncWeb
`$module = Get-Module AsyncWeb
`$results = '$base/retry/$($key)?failures=1&status=503', '$base/status/404' |
    Invoke-AsyncWebBatch -MaximumRetryCount 2 -RetryIntervalSec 0.05 -FailuresAsResults
[ordered]@{
    ModuleBase = `$module.ModuleBase
    Version    = "`$(`$module.Version)"
    Commands   = @(`$module.ExportedCommands.Keys | Sort-Object)
    Assembly   = [AsyncWeb.WebBatchResult].Assembly.Location
    Results    = @(`$results | ForEach-Object { [ordered]@{ Index = `$_.Index; StatusCode = `$_.StatusCode; Attempts = `$_.Attempts; ErrorId = `$_.ErrorId; Attempt = `$_.ContentObject.attempts } })
    Synopsis   = (Get-Help Invoke-AsyncWebBatch).Synopsis
    Table      = (`$results | Out-String -Width 200)
} | ConvertTo-Json -Compress -Depth 4
"@)
                $lines[-1] | ConvertFrom-Json | Add-Member -PassThru -NotePropertyName Key -NotePropertyValue $key
            }
        }

        It 'installs from a temporary repository, whose registration is gone afterwards' {
            $install.Registered | Should -Be 1
            $install.Saved | Should -Be "AsyncWeb $version"
            $install.Installed | Should -Be "AsyncWeb $version from $repositoryName"
            $install.Remaining | Should -Be 0
            Test-Path -LiteralPath (Join-Path $installed 'AsyncWeb.psd1') | Should -BeTrue
            Get-UserRepositoryList | Should -Not -Match $repositoryName -Because 'the user''s own list is never left with the temporary entry'
        }

        It 'imports by name in a fresh pwsh that sees only the install folder, and runs a batch against the server' {
            $run = Invoke-InstalledModule
            $run.ModuleBase | Should -Be $installed
            $run.Version | Should -Be $version
            $run.Commands | Should -Be @($manifest.CmdletsToExport | Sort-Object)
            # The ReadyToRun copy for this platform when the package has one (build.ps1 makes it for the building machine's).
            $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
            $native = Join-Path $installed 'bin' "lib-$os-$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant())" 'AsyncWeb.dll'
            $run.Assembly | Should -Be $(if (Test-Path $native) { $native } else { Join-Path $installed 'bin' 'lib' 'AsyncWeb.dll' })
            $run.Results.Count | Should -Be 2
            $ok = $run.Results | Where-Object Index -EQ 0
            $ok.StatusCode | Should -Be 200
            $ok.Attempts | Should -Be 2 -Because 'Polly from the package retried the 503'
            $ok.Attempt | Should -Be 2
            ($run.Results | Where-Object Index -EQ 1).ErrorId | Should -Be 'HttpStatus'
            (Invoke-RestMethod "$base/retry/$($run.Key)/count" -NoProxy -TimeoutSec 10).attempts | Should -Be 2 -Because 'the server saw both attempts'
            $run.Synopsis | Should -Match 'concurrently' -Because 'the help came with the package'
            $run.Table | Should -Match 'Index\s+Status\s+Ms' -Because 'the format data came with the package'
        }

        It 'runs the same batch on the package''s Windows PowerShell build (bin/desktop)' {
            $run = Invoke-InstalledModule -Environment @{ ASYNCWEB_LOAD_NETSTANDARD = '1' }
            $run.Assembly | Should -Be (Join-Path $installed 'bin' 'desktop' 'AsyncWeb.dll')
            ($run.Results | Where-Object Index -EQ 0).Attempts | Should -Be 2
            ($run.Results | Where-Object Index -EQ 1).ErrorId | Should -Be 'HttpStatus'
            (Invoke-RestMethod "$base/retry/$($run.Key)/count" -NoProxy -TimeoutSec 10).attempts | Should -Be 2
        }
    }

    Context 'made the way PSResourceGet releases without Compress-PSResource can' -Tag 'Slow' {
        It 'gives the same files through Publish-PSResource to a temporary repository, and unregisters it' {
            $destination = Join-Path $TestDrive 'published'
            $isolated = Join-Path $TestDrive 'publish-home'
            $run = Invoke-IsolatedPwsh -HomeFolder $isolated @"
`$ErrorActionPreference = 'Stop'
`$package = & '$(Join-Path $repoRoot 'module/New-Package.ps1')' -ModulePath '$modulePath' -Destination '$destination' -Using Publish
@{ Package = `$package.FullName; Repositories = @((Get-PSResourceRepository).Name) } | ConvertTo-Json -Compress
"@
            $run.Package | Should -Be (Join-Path $destination "AsyncWeb.$version.nupkg")
            $run.Repositories | Should -Be @('PSGallery') -Because 'the temporary repository is unregistered'
            ((Get-PackageFile $run.Package) | Sort-Object Path | ForEach-Object { "$($_.Path) $($_.Sha256)" }) |
                Should -Be ((Get-PackageFile $package) | Sort-Object Path | ForEach-Object { "$($_.Path) $($_.Sha256)" })
        }
    }
}
