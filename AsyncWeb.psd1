@{
    RootModule           = 'AsyncWeb.psm1'
    # Stamped by build.ps1 from Directory.Build.props (the single version source).
    ModuleVersion        = '0.3.0'
    GUID                 = '6f0c3f53-8d0e-4a54-9a3b-2f4f7f6c8a11'
    Author               = 'AsyncWeb maintainers'
    CompanyName          = 'AsyncWeb'
    # The holder and licence named in LICENSE (a test compares them).
    Copyright            = '(c) 2026 AsyncWeb maintainers. MIT License.'
    Description          = 'Runs batches of HTTP requests concurrently inside one pipeline call: throttled, with timeouts, retries through Polly, and streaming downloads to disk. Compiled cmdlets for PowerShell 7.4 or later and Windows PowerShell 5.1 (.NET Framework 4.7.2 or later); PowerShell 6.x to 7.3 is not supported (the module refuses to import there).'
    # Windows PowerShell 5.1 (Desktop, netstandard2.0 build) or PowerShell 7.4+ (Core, net8.0 build);
    # the loader refuses PowerShell 6.x-7.3, which this manifest alone cannot exclude.
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    CmdletsToExport      = @(
        'Invoke-AsyncWebBatch'
        'New-AsyncWebSession'
        'Measure-AsyncWebBatch'
        'Export-AsyncWebHar'
        'Export-AsyncWebReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('AsyncWeb.format.ps1xml')
    TypesToProcess       = @('AsyncWeb.types.ps1xml')
    PrivateData          = @{
        PSData = @{
            Tags         = @('http', 'rest', 'web', 'async', 'concurrent', 'parallel', 'download', 'batch', 'polly', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # Stamped by build.ps1 (build/Write-Manifest.ps1): ProjectUri from Directory.Build.props'
            # RepositoryUrl, LicenseUri = that URL + /blob/main/LICENSE, ReleaseNotes from this version's
            # section of CHANGELOG.md.
            ProjectUri   = ''
            LicenseUri   = ''
            ReleaseNotes = ''
        }
    }
}
