BeforeDiscovery {
    # README's recipes: the ```powershell blocks of "## Recipes" (up to "## Cmdlets"), split at blank lines,
    # one recipe each, named by its first line and run in order in one session, as a reader pastes them.
    $readme = Get-Content -Raw (Join-Path $PSScriptRoot '../README.md')
    $section = [regex]::Match($readme, '(?s)\n## Recipes\r?\n(.*?)\n## Cmdlets').Groups[1].Value
    $blocks = [regex]::Matches($section, '(?s)```powershell\r?\n(.*?)```') | ForEach-Object { $_.Groups[1].Value }

    # Recipes that need what a test cannot provide, by their first line, each with the reason.
    $script:excluded = @{
        '# A JSON POST with a bearer token (sent only to the session''s https origin, never shown).' =
            'reads the token at a prompt (Read-Host) and needs an https origin whose certificate this machine trusts; New-AsyncWebSession.Tests covers tokens against the test server'
        '# Query the Docker API over its Unix socket (PowerShell 7): relative paths against -BaseUri.' =
            'needs Docker''s socket (/var/run/docker.sock); UnixSocket.Tests covers -UnixSocket against the test server'
        '# Windows authentication to an intranet API, and a client certificate for a mutual-TLS one.' =
            'needs a Windows domain (Negotiate) and a client certificate in the certificate store; Authentication.Tests and Tls.Tests cover both against the test server'
    }

    $script:recipes = @(foreach ($block in $blocks) {
            foreach ($recipe in $block -split '\r?\n\s*\r?\n') {
                if ([string]::IsNullOrWhiteSpace($recipe)) { continue }
                $title = ($recipe.Trim() -split '\r?\n')[0]
                @{ Title = $title; Code = $recipe.Trim(); SkipReason = $excluded[$title] }
            }
        })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).ProviderPath
    $script:server = Get-TestServer
    $base = $server.Http

    # The inputs the recipes read, as README's Recipes section names them, pointing at the test server.
    $script:directory = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'recipes')).FullName
    $uris = 1..12 | ForEach-Object { "$base/bytes/$($_ * 100)" }
    Set-Content -LiteralPath (Join-Path $directory 'urls.txt') -Value (@("$base/json") + $uris)
    @([pscustomobject]@{ Url = "$base/echo"; Method = 'POST'; Body = '{"n":1}'; Name = 'first' }
        [pscustomobject]@{ Url = "$base/echo"; Method = 'PUT'; Body = '{"n":2}'; Name = 'second' }) | Export-Csv -LiteralPath (Join-Path $directory 'calls.csv')
    @([pscustomobject]@{ Tenant = 'contoso'; Url = "$base/pages/json?style=odata&count=3&size=100&tenant=contoso" }
        [pscustomobject]@{ Tenant = 'fabrikam'; Url = "$base/pages/json?style=odata&count=2&size=100&tenant=fabrikam" }) | Export-Csv -LiteralPath (Join-Path $directory 'tenants.csv')
    Set-Content -LiteralPath (Join-Path $directory 'file-urls.txt') -Value "$base/bytes/1000", "$base/bytes/2000"
    @([pscustomobject]@{ Url = "$base/json" }; [pscustomobject]@{ Url = "$base/delay/50" }) | Export-Csv -LiteralPath (Join-Path $directory 'endpoints.csv')
    $artifacts = New-Item -ItemType Directory -Path (Join-Path $directory 'artifacts')
    Set-Content -LiteralPath (Join-Path $artifacts 'a.txt') -Value 'first artifact'
    Set-Content -LiteralPath (Join-Path $artifacts 'b.bin') -Value 'second artifact'

    $script:runspace = New-DocumentedRunspace -Directory $directory
    $runspace.SessionStateProxy.SetVariable('uris', $uris)
    $runspace.SessionStateProxy.SetVariable('token', 'recipe-token')
}

AfterAll {
    if ($script:runspace) { $script:runspace.Dispose() }
}

Describe 'README recipes' {
    It 'finds the recipes, and every exclusion names one of them' {
        $recipes.Count | Should -BeGreaterThan 15
        foreach ($title in $excluded.Keys) { $recipes.Title | Should -Contain $title }
    }

    It 'runs "<Title>" as written, without error records' -ForEach $recipes {
        if ($SkipReason) {
            Set-ItResult -Skipped -Because $SkipReason
            return
        }

        # The server line is run where README says: in the repository root.
        $code = if ($Code -eq (Get-DocumentedServerLine)) { "Push-Location '$repoRoot'; $Code; Pop-Location" } else { $Code }
        $run = Invoke-DocumentedCode -Runspace $runspace -Code $code -TimeoutSec 300

        $run.Terminating | Should -BeNullOrEmpty -Because 'the recipe must not throw'
        $run.Errors | Should -BeNullOrEmpty -Because 'the recipe must write no error records'
    }
}
