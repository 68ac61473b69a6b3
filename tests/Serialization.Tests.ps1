BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath

    # A batch with a bit of everything: JSON, a binary body, a slow answer, an HTTP error, a refused
    # connection and an input error.
    $script:batch = "$base/json", "$base/bytes/1000", "$base/delay/150", "$base/status/404", "http://127.0.0.1:$(Get-ClosedPort)/", 'not a uri'
    $script:live = @($batch | Invoke-AsyncWebBatch -FailuresAsResults -Ordered)
    $script:clixml = Join-Path $TestDrive 'results.xml'
    $live | Export-Clixml -LiteralPath $clixml
    $script:imported = @(Import-Clixml -LiteralPath $clixml)

    # The figures two summaries must share to be the same summary.
    $script:figures = 'Count', 'Succeeded', 'Failed', 'Skipped', 'Bytes', 'StatusHistogram', 'FailureSummary', 'MinMs', 'P50Ms', 'P90Ms', 'P99Ms', 'MaxMs', 'WallTime', 'RequestsPerSecond', 'StartTimeUtc', 'EndTimeUtc'
    function Get-Figures($Summary, [string[]] $Except = @()) {
        $figures | Where-Object { $_ -notin $Except } | ForEach-Object { '{0}={1}' -f $_, ($Summary.$_ -join ',') }
    }
}

Describe 'Results that travel' {
    Context 'Export-Clixml and Import-Clixml' {
        It 'come back as Deserialized.AsyncWeb.WebBatchResult in the same table view as the live results' {
            $imported | Should -HaveCount $live.Count
            $imported | ForEach-Object { $_.PSTypeNames[0] | Should -Be 'Deserialized.AsyncWeb.WebBatchResult' }
            $shown = $imported | Out-String -Width 200
            $shown | Should -Match 'Index\s+Status\s+Ms\s+Length\s+Error\s+Uri'
            $shown | Should -Match 'HttpStatus'
            $shown | Should -Match 'ConnectionRefused'
            $shown | Should -BeExactly ($live | Out-String -Width 200)
        }

        It 'keep what scripts read: ErrorId and Error as strings, status, timings to the tick, URIs, headers by name, text content and the input' {
            foreach ($i in 0..($live.Count - 1)) {
                $was = $live[$i]; $is = $imported[$i]
                $is.Index | Should -Be $was.Index
                $is.StatusCode | Should -Be $was.StatusCode
                $is.Success | Should -Be $was.Success
                "$($is.ErrorId)" | Should -BeExactly "$($was.ErrorId)"
                $is.Elapsed | Should -Be $was.Elapsed
                $is.ElapsedMs | Should -Be $was.ElapsedMs
                $is.StartTimeUtc | Should -Be $was.StartTime.UtcDateTime
                $is.StartTime.Ticks | Should -Be $was.StartTime.UtcDateTime.Ticks -Because 'StartTime answers in UTC where AsyncWeb is loaded'
                "$($is.Uri)" | Should -Be "$($was.Uri)"
                "$($is.Input)" | Should -Be "$($was.Input)"
                $is.ContentLength | Should -Be $was.ContentLength
                $is.Attempts | Should -Be $was.Attempts
            }

            $notFound = $imported | Where-Object StatusCode -EQ 404
            $notFound.Error.ErrorId | Should -BeExactly 'HttpStatus'
            $notFound.Error.Message | Should -BeOfType [string]
            $notFound.Error.Message | Should -Be ($live | Where-Object StatusCode -EQ 404).Error.Message
            $json = $imported | Where-Object { "$($_.Uri)" -like '*/json' }
            $json.Headers['content-type'] | Should -Match 'application/json' -Because 'headers arrive as a hashtable, by name in any case'
            $json.Content | Should -Be ($live | Where-Object { "$($_.Uri)" -like '*/json' }).Content
        }

        It 'carry no raw bytes and no parsed JSON: RawContent and ContentObject stay behind' {
            $xml = Get-Content -Raw -LiteralPath $clixml
            ($live | Where-Object { "$($_.Uri)" -like '*/bytes/1000' }).RawContent | Should -HaveCount 1000
            $xml | Should -Not -Match 'N="RawContent"'
            $xml | Should -Not -Match 'N="ContentObject"'
            $xml | Should -Not -Match '<BA '
            $xml | Should -Not -Match 'N="Exception"'
            $xml | Should -Not -Match 'N="StartTime"' -Because 'StartTimeUtc carries the start exactly; a DateTimeOffset would travel as 20 properties or as text'
        }

        It 'are summarised by Measure-AsyncWebBatch exactly as the live results are' {
            $fromLive = $live | Measure-AsyncWebBatch
            $fromImported = $imported | Measure-AsyncWebBatch
            Get-Figures $fromImported | Should -Be (Get-Figures $fromLive)
            $fromImported.Failed | Should -Be 3
        }
    }

    Context 'Start-Job, a batch in another process' {
        It 'streams back deserialized results and error records that Measure-AsyncWebBatch sums to the job''s own summary' {
            $job = Start-Job -ArgumentList $modulePath, $base -ScriptBlock {
                param($module, $base)
                Import-Module $module
                # Results stream out of the job as they finish; the failures go to its error stream.
                $results = 0..19 | ForEach-Object { "$base/delay/$($_ * 5)?n=$_" } | Invoke-AsyncWebBatch -ThrottleLimit 8
                $results
                $null = "$base/status/503", "$base/status/404" | Invoke-AsyncWebBatch -ErrorVariable errors
                # Summarised inside the job, from the live objects, for comparison.
                @($results) + @($errors) | Measure-AsyncWebBatch
            }
            $output = @($job | Receive-Job -Wait -AutoRemoveJob -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
            $received = @($output | Where-Object { $_.PSTypeNames[0] -eq 'Deserialized.AsyncWeb.WebBatchResult' })
            $jobSummary = $output | Where-Object { $_.PSTypeNames[0] -eq 'Deserialized.AsyncWeb.Commands.WebBatchSummary' }
            $output | Should -HaveCount 21
            $received | Should -HaveCount 20
            ($received | Out-String) | Should -Match 'Index\s+Status\s+Ms\s+Length\s+Error\s+Uri'
            $jobErrors | Should -HaveCount 2
            $jobSummary.Count | Should -Be 22

            $here = @($received) + @($jobErrors) | Measure-AsyncWebBatch
            Get-Figures $here | Should -Be (Get-Figures $jobSummary)
            $here.FailuresByErrorId['HttpStatus'] | Should -Be 2
        }
    }

    Context 'rows of Import-Csv' {
        It 'counts, sums and ranks rows of a plain Export-Csv exactly; its start times are whole seconds' {
            $csv = Join-Path $TestDrive 'plain.csv'
            $live | Export-Csv -LiteralPath $csv
            $fromCsv = Import-Csv -LiteralPath $csv | Measure-AsyncWebBatch
            $fromLive = $live | Measure-AsyncWebBatch
            Get-Figures $fromCsv -Except WallTime, RequestsPerSecond, StartTimeUtc, EndTimeUtc | Should -Be (Get-Figures $fromLive -Except WallTime, RequestsPerSecond, StartTimeUtc, EndTimeUtc)
            [math]::Abs(($fromCsv.WallTime - $fromLive.WallTime).TotalSeconds) | Should -BeLessOrEqual 1
        }

        It 'summarises the README''s CSV columns (StartTimeUtc in ISO 8601) exactly, wall time included' {
            $csv = Join-Path $TestDrive 'columns.csv'
            $live | Select-Object Index, Uri, StatusCode, Success, ErrorId, ElapsedMs, Elapsed, @{ Name = 'StartTimeUtc'; Expression = { $_.StartTimeUtc.ToString('o') } }, ContentLength, Skipped, Attempts |
                Export-Csv -LiteralPath $csv
            $rows = Import-Csv -LiteralPath $csv
            $rows[0].PSObject.Properties.Name | Should -Not -Contain 'Content'
            Get-Figures ($rows | Measure-AsyncWebBatch) | Should -Be (Get-Figures ($live | Measure-AsyncWebBatch))
        }

        It 'refuses a row that is not a result, naming what it needs' {
            $null = [pscustomobject]@{ Name = 'web01'; Status = 'up' } | Measure-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev | Should -HaveCount 1
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'NotAWebBatchResult,*'
            $ev[0].Exception.Message | Should -BeLike '*StatusCode, ElapsedMs*'
        }
    }
}
