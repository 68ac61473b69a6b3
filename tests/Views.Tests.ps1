BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:longQuery = 'tenant=contoso&region=westeurope&from=2024-01-01&to=2024-12-31&page=7&end=QUERYEND'

    # The rendered lines of a table, as a 120-column console shows them.
    function Get-Rendered($InputObject, [string]$View) {
        $text = if ($View) { $InputObject | Format-Table -View $View | Out-String -Width 120 } else { $InputObject | Out-String -Width 120 }
        @($text -split '\r?\n' | Where-Object { $_.Trim() })
    }
}

Describe 'The views of a batch' {
    Context 'the default table' {
        BeforeAll {
            $dir = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'table')).FullName
            Set-Content -LiteralPath (Join-Path $dir 'kept.bin') -Value 'kept'
            $items = "$base/json?$longQuery",
                @{ Uri = "$base/bytes/100"; OutFile = Join-Path $dir 'monthly-report-2024.pdf' },
                "http://127.0.0.1:$(Get-ClosedPort)/x",
                @{ Uri = "$base/bytes/100"; OutFile = Join-Path $dir 'kept.bin' }
            $script:results = $items | Invoke-AsyncWebBatch -FailuresAsResults -SkipExisting -Ordered
            $script:lines = Get-Rendered $results
        }

        It 'fits 120 columns and keeps every column' {
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
            $lines[0] | Should -Match 'Index\s+Status\s+Ms\s+Length\s+Error\s+Uri'
        }

        It 'keeps the host and the end of a long Uri, and the file a download went to' {
            $row = $lines | Where-Object { $_ -match '^\s+0\s' }
            $row | Should -Match ([regex]::Escape(([uri]$base).Authority))
            $row | Should -Match 'end=QUERYEND$'
            ($lines | Where-Object { $_ -match '^\s+1\s' }) | Should -Match '-> .*monthly-report-2024\.pdf$'
        }

        It 'leaves Status blank when no response came, and says Skipped under Status, not under Error' {
            $refused = $lines | Where-Object { $_ -match '^\s+2\s' }
            $refused | Should -Match '^\s+2\s+\d[\d,]*\s+0\s+ConnectionRefused\s'
            $skipped = $lines | Where-Object { $_ -match '^\s+3\s' }
            $skipped | Should -Match '^\s+3\s+Skipped\s'
            $skipped | Should -Not -Match 'Skipped.*Skipped'
        }

        It 'keeps the Uri in the Timings view at 120 columns, with reused connections under Connect' {
            $timings = Get-Rendered $results 'Timings'
            $timings | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
            $timings[0] | Should -Match 'Error\s+Uri$'
            ($timings | Where-Object { $_ -match '^\s+0\s' }) | Should -Match 'QUERYEND$'
            if (-not (Test-NetstandardBuild)) {
                # Windows PowerShell's handler cannot tell a reused connection (README, Where the time went).
                $reused = "$base/json", "$base/json" | Invoke-AsyncWebBatch -ThrottleLimit 1
                (Get-Rendered $reused 'Timings') -join "`n" | Should -Match 'reused'
            }
        }
    }

    Context 'Format-List of a result' {
        It 'shows the headers one a line as name: values, never System.String[]' {
            $result = Invoke-AsyncWebBatch "$base/json"
            $text = $result | Format-List | Out-String -Width 200
            $text | Should -Not -Match 'System\.String\[\]'
            $text | Should -Match 'Content-Type: application/json'
            $text | Should -Match 'StatusCode\s+: 200'
        }
    }

    Context 'the summary' {
        It 'labels every row with the name of the property that holds it' {
            $summary = "$base/json", "$base/status/500" | Invoke-AsyncWebBatch -FailuresAsResults | Measure-AsyncWebBatch
            $labels = ($summary | Out-String -Width 200) -split '\r?\n' | Where-Object { $_ -match '^(\w+)\s+:' } | ForEach-Object { $Matches[1] }
            $labels.Count | Should -BeGreaterThan 15
            foreach ($label in $labels) {
                $summary.PSObject.Properties.Name | Should -Contain $label -Because "the row '$label' is read as `$s.$label"
            }
            $summary.Latency.P99Ms | Should -Be $summary.P99Ms
            $summary.Latency.Count | Should -Be 2
        }
    }
}

Describe 'The view of a stream''s items (-Stream)' {
    It 'fits 120 columns: index, sequence, event, id, and the data on one line' {
        $items = Invoke-AsyncWebBatch "$base/sse/basic" -Stream | Where-Object { $_ -is [AsyncWeb.WebBatchStreamItem] }
        $lines = Get-Rendered $items
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        $lines[0] | Should -Match 'Index\s+Seq\s+Event\s+Id\s+Data'
        $lines | Where-Object { $_ -match '^\s+0\s+2\s+update\s+7\s+line one line two$' } | Should -Not -BeNullOrEmpty
    }
}
