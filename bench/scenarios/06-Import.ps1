# Import-Module time
@{
    Title  = 'Import-Module'
    Needs  = @()
    Counts = @{
        Full  = @{ Starts = 5 }
        Quick = @{ Starts = 3 }
    }
    Run    = {
        $s = $spec.Title
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($($counts.Starts) starts each)" -ForegroundColor Cyan
            for ($i = 0; $i -lt $counts.Starts; $i++) {
                $bare = Invoke-Child 'bare pwsh' @{ Mode = 'Bare' }
                $import = Invoke-Child 'pwsh + Import-Module' @{ Mode = 'Import'; ModulePath = $moduleManifest }
                $figures.Add([pscustomobject]@{ Scenario = $s; Tool = 'bare pwsh start'; Value = $bare.Wall * 1000; Unit = 'ms' })
                $figures.Add([pscustomobject]@{ Scenario = $s; Tool = 'pwsh start + Import-Module'; Value = $import.Wall * 1000; Unit = 'ms' })
                $figures.Add([pscustomobject]@{ Scenario = $s; Tool = 'Import-Module, timed inside pwsh (info)'; Value = $import.Json.importMs; Unit = 'ms' })
            }
            Write-Host ('   bare {0} ms, with import {1} ms, in-process {2} ms (medians so far)' -f (Format-Figure (Get-Figure $s 'bare pwsh start')),
                (Format-Figure (Get-Figure $s 'pwsh start + Import-Module')), (Format-Figure (Get-Figure $s 'Import-Module, timed inside pwsh (info)')))
        }
    }
    Rows   = {
        $s = $spec.Title
        $bare = Get-Figure $s 'bare pwsh start'
        $with = Get-Figure $s 'pwsh start + Import-Module'
        New-Row $s 'bare pwsh start' $bare 'ms'
        New-Row $s 'pwsh start + Import-Module' $with 'ms'
        New-Row $s 'Import-Module (difference of medians)' ($with - $bare) 'ms' ([double]::NaN) '≤ 150 ms' (($with - $bare) -le 150)
        $tool = 'Import-Module, timed inside pwsh (info)'
        New-Row $s $tool (Get-Figure $s $tool) 'ms'
    }
}
