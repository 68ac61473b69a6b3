BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
}

Describe 'Invoke-AsyncWebBatch concurrency' {
    Context 'the global limit' {
        It 'keeps at most ThrottleLimit requests in flight, and more than one' {
            Reset-TestServerStats -Server $server
            $results = 1..40 | ForEach-Object { "$base/delay/100" } | Invoke-AsyncWebBatch -ThrottleLimit 8
            $results | Should -HaveCount 40
            $stats = Get-TestServerStats -Server $server
            $stats.peakInFlight | Should -BeGreaterThan 1
            $stats.peakInFlight | Should -BeLessOrEqual 8
        }

        It 'keeps ThrottleLimit requests in flight while finished results wait for a blocked pipeline, and never more' {
            # Items 1-4 are held by the server until they all arrived and upstream has handed over item 8; items 5-8 can start only as 1-4
            # finish. The consumer then blocks on the first result until the server has seen all eight: a finished
            # result waiting for the pipeline thread must not keep the next item from starting.
            $key = [guid]::NewGuid().ToString('n')
            $script:seenWhileBlocked = $null
            & {
                1..4 | ForEach-Object { "$base/admission/$key`?hold=1&n=$_" }
                5..8 | ForEach-Object { "$base/admission/$key`?n=$_" }
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while ((Invoke-RestMethod "$base/admission/$key/stats").seen -lt 4 -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 50
                }

                $null = Invoke-RestMethod "$base/admission/$key/release"
            } | Invoke-AsyncWebBatch -ThrottleLimit 4 | ForEach-Object {
                if ($null -eq $script:seenWhileBlocked) {
                    $deadline = [DateTime]::UtcNow.AddSeconds(30)
                    do {
                        $seen = (Invoke-RestMethod "$base/admission/$key/stats").seen
                        if ($seen -ge 8) { break }
                        Start-Sleep -Milliseconds 50
                    } while ([DateTime]::UtcNow -lt $deadline)
                    $script:seenWhileBlocked = $seen
                }
            }
            $script:seenWhileBlocked | Should -Be 8
            $stats = Invoke-RestMethod "$base/admission/$key/stats"
            $stats.seen | Should -Be 8
            $stats.peak | Should -Be 4 -Because 'the four held requests are in flight together, and no fifth joins them'
        }

        It 'reuses connections: the server accepts far fewer connections than requests' {
            Reset-TestServerStats -Server $server
            $results = 1..300 | ForEach-Object { "$base/json" } | Invoke-AsyncWebBatch -ThrottleLimit 8
            $results | Where-Object StatusCode -EQ 200 | Should -HaveCount 300
            $stats = Get-TestServerStats -Server $server
            $stats.requests | Should -Be 300
            $stats.connections | Should -BeLessOrEqual 16
        }

        It 'reuses the module-wide pool across calls with the same settings' {
            $null = "$base/json" | Invoke-AsyncWebBatch
            Reset-TestServerStats -Server $server
            1..5 | ForEach-Object { $null = "$base/json" | Invoke-AsyncWebBatch }
            # The one connection counted is Get-TestServerStats' own (Invoke-RestMethod opens a new one per call).
            (Get-TestServerStats -Server $server).connections | Should -BeLessOrEqual 1
        }
    }

    Context 'the per-host limit' {
        It 'keeps at most ThrottleLimitPerHost requests in flight to each host while others proceed' {
            $port = ([uri]$base).Port
            Reset-TestServerStats -Server $server
            $uris = 1..12 | ForEach-Object { "http://127.0.0.1:$port/delay/150"; "http://localhost:$port/delay/150" }
            $results = $uris | Invoke-AsyncWebBatch -ThrottleLimit 16 -ThrottleLimitPerHost 3
            $results | Should -HaveCount 24
            $byHost = (Get-TestServerStats -Server $server).peakInFlightByHost
            $byHost."127.0.0.1:$port" | Should -BeLessOrEqual 3
            $byHost."localhost:$port" | Should -BeLessOrEqual 3
            $byHost."127.0.0.1:$port" | Should -BeGreaterThan 1
            $byHost."localhost:$port" | Should -BeGreaterThan 1
        }
    }
}

Describe 'Invoke-AsyncWebBatch results' {
    It 'returns one result per input with Index, status, headers, content and timing' {
        $results = "$base/json", "$base/status/201" | Invoke-AsyncWebBatch -Ordered
        $results | Should -HaveCount 2
        $results[0].Index | Should -Be 0
        $results[0].StatusCode | Should -Be 200
        $results[0].Success | Should -BeTrue
        $results[0].ContentType | Should -Match 'application/json'
        $results[0].Headers['Content-Type'] | Should -Match 'json'
        $results[0].ContentLength | Should -Be ([Text.Encoding]::UTF8.GetByteCount($results[0].Content))
        $results[0].Elapsed | Should -BeGreaterThan ([TimeSpan]::Zero)
        $results[0].Attempts | Should -Be 1
        $results[0].Error | Should -BeNullOrEmpty
        $results[0].Input | Should -Be "$base/json"
        $results[1].Index | Should -Be 1
        $results[1].StatusCode | Should -Be 201
    }

    It 'parses JSON content as objects through ContentObject, as Invoke-RestMethod does' {
        $result = "$base/json" | Invoke-AsyncWebBatch
        $result.ContentObject.name | Should -Be 'asyncweb'
    }

    It 'keeps binary bodies as bytes in RawContent' {
        $result = "$base/bytes/300" | Invoke-AsyncWebBatch
        $result.Content | Should -BeNullOrEmpty
        $result.RawContent.Length | Should -Be 300
        $result.RawContent[250] | Should -Be 250
        $result.RawContent[251] | Should -Be 0
    }

    It 'reads chunked bodies without a length' {
        $result = "$base/stream/5000" | Invoke-AsyncWebBatch
        $result.ContentLength | Should -Be 5000
    }

    It 'emits results in input order with -Ordered' {
        $uris = 400, 300, 200, 100, 0 | ForEach-Object { "$base/delay/$_" }
        $results = $uris | Invoke-AsyncWebBatch -Ordered -ThrottleLimit 5
        $results.Index | Should -Be @(0, 1, 2, 3, 4)
    }

    It 'emits results in completion order without -Ordered' {
        # Item 0 would take a minute: the first result out is item 1, and taking it cancels item 0.
        $uris = 60000, 0 | ForEach-Object { "$base/delay/$_" }
        $first = $uris | Invoke-AsyncWebBatch -ThrottleLimit 5 | Select-Object -First 1
        $first.Index | Should -Be 1
    }

    It 'lets results leave while the upstream command is still producing input' {
        $script:events = [System.Collections.Generic.List[string]]::new()
        $script:sent = 0
        & {
            # Input keeps coming, an item every 50 ms, until a result has left (a condition with a generous deadline,
            # not a fixed sleep that a loaded machine can outlast); then one last item.
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            do {
                $script:sent++
                "$base/json?n=$script:sent"
                Start-Sleep -Milliseconds 50
            } until ($script:events.Count -gt 0 -or [datetime]::UtcNow -gt $deadline)
            $script:events.Add('last input')
            "$base/json?n=last"
        } | Invoke-AsyncWebBatch | ForEach-Object { $script:events.Add("result $($_.Index)") }
        $script:events[0] | Should -BeLike 'result *' -Because 'a result left before the input ended'
        $script:events | Where-Object { $_ -like 'result*' } | Should -HaveCount ($script:sent + 1)
    }

    It 'sends any method, custom verbs too' {
        $result = "$base/echo" | Invoke-AsyncWebBatch -Method PURGE
        $result.ContentObject.method | Should -Be 'PURGE'
    }

    It 'requests HTTP/2 with -HttpVersion 2.0' {
        if (Test-NetstandardBuild) { Set-ItResult -Skipped -Because 'Windows PowerShell''s HTTP stack speaks HTTP/1.x only: the netstandard2.0 build refuses -HttpVersion 2.0 (tested below)' }
        $result = "$($server.H2c)/echo" | Invoke-AsyncWebBatch -HttpVersion 2.0
        $result.ContentObject.protocol | Should -Be 'HTTP/2'
        $result.ProtocolVersion | Should -Be ([version]'2.0')
    }

    It 'treats 4xx/5xx as ordinary results with -SkipHttpErrorCheck' {
        $result = "$base/status/404" | Invoke-AsyncWebBatch -SkipHttpErrorCheck -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        $result.StatusCode | Should -Be 404
        $result.Success | Should -BeTrue
    }
}

Describe 'Invoke-AsyncWebBatch input binding' {
    It 'binds CSV rows by their Url, Method and Body columns and keeps the row as Input' {
        $csv = Join-Path TestDrive: 'requests.csv'
        @(
            [pscustomobject]@{ Url = "$base/echo"; Method = 'POST'; Body = '{"n":1}'; Name = 'first' }
            [pscustomobject]@{ Url = "$base/echo"; Method = 'PUT'; Body = '{"n":2}'; Name = 'second' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $results = Import-Csv $csv | Invoke-AsyncWebBatch -Ordered
        $results[0].ContentObject.method | Should -Be 'POST'
        $results[0].ContentObject.body | Should -Be '{"n":1}'
        $results[0].ContentObject.contentType | Should -Match 'application/json'
        $results[1].ContentObject.method | Should -Be 'PUT'
        $results[1].Input.Name | Should -Be 'second'
    }

    It 'binds pscustomobjects with Uri and Headers' {
        $item = [pscustomobject]@{ Uri = "$base/echo"; Headers = @{ 'X-Item' = 'one' } }
        $result = $item | Invoke-AsyncWebBatch -Headers @{ 'X-Batch' = 'all' }
        $result.ContentObject.headers.'X-Item' | Should -Be 'one'
        $result.ContentObject.headers.'X-Batch' | Should -Be 'all'
    }

    It 'binds hashtables with Href and Method keys' {
        $result = @{ href = "$base/echo"; method = 'DELETE' } | Invoke-AsyncWebBatch
        $result.ContentObject.method | Should -Be 'DELETE'
    }

    It 'takes an array through -Uri' {
        $results = Invoke-AsyncWebBatch -Uri "$base/json", "$base/json", "$base/json"
        $results | Should -HaveCount 3
    }

    It 'sends an object body as JSON that round-trips through /echo' {
        $body = @{ name = 'AsyncWeb'; tags = @('a', 'b'); nested = @{ n = 3 } }
        $result = "$base/echo" | Invoke-AsyncWebBatch -Method POST -Body $body
        $echo = $result.ContentObject
        $echo.contentType | Should -Match '^application/json'
        $sent = $echo.body | ConvertFrom-Json
        $sent.name | Should -Be 'AsyncWeb'
        $sent.tags | Should -Be @('a', 'b')
        $sent.nested.n | Should -Be 3
    }

    It 'form-encodes a hashtable body when -ContentType says so' {
        $result = "$base/echo" | Invoke-AsyncWebBatch -Method POST -Body @{ a = 'x y' } -ContentType 'application/x-www-form-urlencoded'
        $result.ContentObject.body | Should -Be 'a=x+y'
    }

    Context 'misspelt item keys' {
        It 'fails a hashtable item with an unknown key as UnknownItemKey, naming the nearest key, and runs the others' {
            $items = @{ Uri = "$base/echo"; Metod = 'POST'; Body = @{ a = 1 } }, @{ Uri = "$base/echo"; Header = @{ 'X-A' = '1' } }, @{ Uri = "$base/echo"; Method = 'POST' }
            $results = $items | Invoke-AsyncWebBatch -ErrorVariable ev -ErrorAction SilentlyContinue
            @($results).Count | Should -Be 1
            $results.Index | Should -Be 2
            $ev | Should -HaveCount 2
            $byIndex = @{}
            $ev | ForEach-Object { $byIndex[[int]$_.TargetObject.Index] = $_ }
            $byIndex[0].FullyQualifiedErrorId | Should -BeLike 'UnknownItemKey,*'
            $byIndex[0].Exception.Message | Should -BeLike "``[#0``]*'Metod'*did you mean 'Method'?"
            $byIndex[1].FullyQualifiedErrorId | Should -BeLike 'UnknownItemKey,*'
            $byIndex[1].Exception.Message | Should -BeLike "``[#1``]*'Header'*did you mean 'Headers'?"
        }

        It 'names every item key when an unknown key is like none of them' {
            $result = @{ Uri = "$base/json"; Verb = 'POST' } | Invoke-AsyncWebBatch -FailuresAsResults
            $result.Error.ErrorId | Should -Be 'UnknownItemKey'
            $result.Error.Message | Should -BeLike "*'Verb'*Uri, Url, Href, Method, Headers, Body, ContentType, OutFile, Sha256, InFile, Form*"
        }

        It 'accepts every key the binder reads, in any case, and the keys -JournalKey and -PartitionKey name' {
            $file = Join-Path TestDrive: 'up.txt'
            Set-Content -LiteralPath $file -Value 'x' -NoNewline
            $items = @(
                @{ URL = "$base/echo"; method = 'PUT'; HEADERS = @{ 'X-A' = '1' }; body = 'b'; contenttype = 'text/plain' }
                @{ Href = "$base/echo"; Method = 'POST'; InFile = $file }
                @{ Uri = "$base/echo"; Method = 'POST'; Form = @{ a = '1' } }
                @{ Uri = "$base/bytes/10"; OutFile = (Join-Path TestDrive: 'ten.bin'); Sha256 = $null }
                @{ Uri = "$base/json"; Tenant = 't1' }
            )
            $results = $items | Invoke-AsyncWebBatch -Partition 0/1 -PartitionKey Tenant -ErrorVariable ev -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $ev | Should -BeNullOrEmpty
            $results | Should -HaveCount 5
            $journalKeyed = @{ Uri = "$base/json"; Id = 'a' } | Invoke-AsyncWebBatch -JournalPath (Join-Path TestDrive: 'j.jsonl') -JournalKey Id -ErrorVariable ev2 -ErrorAction SilentlyContinue
            $ev2 | Should -BeNullOrEmpty
            $journalKeyed.StatusCode | Should -Be 200
        }

        It 'warns once per batch about an object property a slip away from a known name, and sends the objects as given' {
            $rows = 1..3 | ForEach-Object { [pscustomobject]@{ Uri = "$base/echo"; Metod = 'POST'; Name = "row$_"; Code = 'x' } }
            $results = $rows | Invoke-AsyncWebBatch -WarningVariable warned -WarningAction SilentlyContinue
            $results | Should -HaveCount 3
            $results.ContentObject.method | Sort-Object -Unique | Should -Be 'GET'
            $warned | Should -HaveCount 1
            "$($warned[0])" | Should -Be "property 'Metod' of the input objects is not used; did you mean 'Method'?"
        }

        It 'does not warn about the other columns of CSV rows' {
            $csv = Join-Path TestDrive: 'plain.csv'
            1..2 | ForEach-Object { [pscustomobject]@{ Url = "$base/json"; Name = "n$_"; Port = 80; Node = 'a'; Tenant = 't' } } | Export-Csv -LiteralPath $csv -NoTypeInformation
            $null = Import-Csv $csv | Invoke-AsyncWebBatch -WarningVariable warned -WarningAction SilentlyContinue
            $warned | Should -BeNullOrEmpty
        }
    }

    Context 'Content-Type as Invoke-RestMethod sets it' {
        It 'sends -ContentType over a Content-Type in -Headers, as Invoke-RestMethod does' {
            $sent = (Invoke-AsyncWebBatch "$base/echo" -Method POST -Body 'x' -ContentType 'text/csv' -Headers @{ 'Content-Type' = 'application/xml' }).ContentObject
            $sent.headers.'Content-Type' | Should -Be 'text/csv'
        }

        It 'encodes a string body in the charset of a Content-Type given in -Headers or an item''s Headers' {
            $results = @(
                @{ Uri = "$base/echo"; Body = 'é' }
                @{ Uri = "$base/echo"; Body = 'é'; Headers = @{ 'content-type' = 'text/plain; charset=utf-16' } }
            ) | Invoke-AsyncWebBatch -Method POST -Headers @{ 'Content-Type' = 'text/plain; charset=iso-8859-1' } -Ordered
            $results[0].ContentObject.headers.'Content-Type' | Should -Be 'text/plain; charset=iso-8859-1'
            $results[0].ContentObject.bodyLength | Should -Be 1
            $results[1].ContentObject.headers.'Content-Type' | Should -Be 'text/plain; charset=utf-16'
            $results[1].ContentObject.bodyLength | Should -Be 2
        }

        It 'sends no Content-Type for a blank -ContentType or a blank Content-Type header, and still sends the body' {
            $results = @(
                Invoke-AsyncWebBatch "$base/echo" -Method POST -Body 'x' -ContentType ''
                Invoke-AsyncWebBatch "$base/echo" -Method POST -Body 'x' -Headers @{ 'Content-Type' = ' ' }
            )
            $results | Where-Object Error | Should -BeNullOrEmpty
            $results | ForEach-Object { $_.ContentObject.contentType | Should -BeNullOrEmpty }
            $results.ContentObject.bodyLength | Should -Be 1, 1
        }
    }

    It 'puts a dictionary -Body of a GET into the query string, as Invoke-RestMethod does' {
        $result = Invoke-AsyncWebBatch "$base/echo?page=2" -Body ([ordered]@{ q = 'web 01'; tag = 'a&b'; empty = $null })

        $result.ContentObject.query | Should -BeExactly '?page=2&q=web+01&tag=a%26b&empty='
        $result.ContentObject.bodyLength | Should -Be 0
        $result.ContentObject.contentType | Should -BeNullOrEmpty
        $result.Uri.Query | Should -BeExactly '?page=2&q=web+01&tag=a%26b&empty='
    }

    It 'repeats the key for each value of an array in a GET''s dictionary body' {
        $result = @{ Uri = "$base/echo"; Body = @{ tag = 'a', 'b' } } | Invoke-AsyncWebBatch

        $result.ContentObject.query | Should -BeExactly '?tag=a&tag=b'
    }

    It 'puts a per-item dictionary Body of a HEAD into the query string' {
        $result = @{ Uri = "$base/echo"; Method = 'HEAD'; Body = @{ id = 7 } } | Invoke-AsyncWebBatch

        $result.StatusCode | Should -Be 200
        $result.Uri.Query | Should -BeExactly '?id=7'
    }

    It 'keeps a string body of a GET as a body, as Invoke-RestMethod does' {
        $result = Invoke-AsyncWebBatch "$base/echo" -Body 'raw text'

        $result.ContentObject.query | Should -BeExactly ''
        $result.ContentObject.body | Should -BeExactly 'raw text'
    }

    It 'sends byte[] bodies unchanged' {
        $result = "$base/echo" | Invoke-AsyncWebBatch -Method POST -Body ([byte[]](1, 2, 3))
        $result.ContentObject.bodyLength | Should -Be 3
        $result.ContentObject.contentType | Should -Be 'application/octet-stream'
    }
}

Describe 'Invoke-AsyncWebBatch parameter validation' {
    It 'rejects ThrottleLimit <Value> before sending anything' -TestCases @(@{ Value = 0 }, @{ Value = -1 }) {
        { Invoke-AsyncWebBatch -Uri "$base/json" -ThrottleLimit $Value } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
    }

    It 'rejects negative timeouts' {
        { Invoke-AsyncWebBatch -Uri "$base/json" -TimeoutSec -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        { Invoke-AsyncWebBatch -Uri "$base/json" -OperationTimeoutSec -5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'rejects an unsupported HTTP version with the allowed ones named' {
        { Invoke-AsyncWebBatch -Uri "$base/json" -HttpVersion 1.5 } | Should -Throw '*use 1.0, 1.1*'
    }

    It 'refuses HTTP/2 on the Windows PowerShell build, naming PowerShell 7 as the way' {
        if (-not (Test-NetstandardBuild)) { Set-ItResult -Skipped -Because 'only the netstandard2.0 build (Windows PowerShell 5.1) lacks HTTP/2' }
        { Invoke-AsyncWebBatch -Uri "$base/json" -HttpVersion 2.0 } | Should -Throw '*2.0 and 3.0 need PowerShell 7.4*'
    }
}

Describe 'Invoke-AsyncWebBatch proxies' {
    It 'sends requests through -Proxy (the target name need not resolve locally)' {
        $result = Invoke-AsyncWebBatch 'http://through-proxy.invalid/echo?x=1' -Proxy $base
        $result.StatusCode | Should -Be 200
        $result.ContentObject.headers.Host | Should -Be 'through-proxy.invalid'
        $result.ContentObject.path | Should -Be '/echo'
    }

    It 'reuses one pooled connection for calls with equal -ProxyCredential values (the pool key compares them by value)' {
        # /connection names the TCP connection a request came on: through the proxy, the one to the proxy.
        # A new pool per call (credentials compared by reference) would open a new connection each time.
        function New-ProxyCredential([string] $Password) {
            [pscredential]::new('proxy-user', (ConvertTo-SecureString $Password -AsPlainText -Force))
        }

        $uri = 'http://pool-key.invalid/connection'
        $first = Invoke-AsyncWebBatch $uri -Proxy $base -ProxyCredential (New-ProxyCredential 'pr0xy-pa55')
        $second = Invoke-AsyncWebBatch $uri -Proxy $base -ProxyCredential (New-ProxyCredential 'pr0xy-pa55')
        $other = Invoke-AsyncWebBatch $uri -Proxy $base -ProxyCredential (New-ProxyCredential 'another-pa55')
        $first.StatusCode | Should -Be 200
        $second.ContentObject.id | Should -Be $first.ContentObject.id
        $other.ContentObject.id | Should -Not -Be $first.ContentObject.id
    }

    It 'uses the environment''s proxy by default and ignores it with -NoProxy' {
        # The environment proxy is read once per process: a fresh one (a job) sees HTTP_PROXY.
        $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $closed.Start(); $deadProxy = "http://127.0.0.1:$($closed.LocalEndpoint.Port)"; $closed.Stop()
        $env:HTTP_PROXY = $deadProxy
        try {
            $job = Start-Job -ScriptBlock {
                param($module, $uri)
                Import-Module $module
                (Invoke-AsyncWebBatch $uri -FailuresAsResults).ErrorId
                (Invoke-AsyncWebBatch $uri -FailuresAsResults -NoProxy).StatusCode
            } -ArgumentList (Join-Path $PSScriptRoot '../out/AsyncWeb'), "$base/json"
            $output = $job | Wait-Job -Timeout 60 | Receive-Job
            $job | Remove-Job -Force
        }
        finally {
            Remove-Item Env:HTTP_PROXY
        }
        $output | Should -Be @('ConnectionRefused', 200)
    }
}
