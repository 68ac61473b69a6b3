BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    $script:server = Get-TestServer
    $script:base = $server.Http
    $script:port = ([uri]$base).Port

    # What the pages of one result set say about themselves: "Index.PageIndex=page" for every result, in order.
    function Get-PageTrail($Results) {
        @($Results | ForEach-Object { '{0}.{1}={2}' -f $_.Index, $_.PageIndex, $_.ContentObject.page })
    }

    function Get-PathCount([string]$Path) {
        $count = (Get-TestServerStats -Server $server).requestsByPath.$Path
        if ($null -eq $count) { 0 } else { $count }
    }
}

Describe 'Pages of each item' {
    Context 'Link headers, as Invoke-RestMethod -FollowRelLink follows them' {
        It 'makes every page a result with the item''s Index and its PageIndex, so Group-Object Index gathers them' {
            Reset-TestServerStats -Server $server
            $results = "$base/pages/link?count=4", "$base/pages/link?count=2", "$base/pages/link?count=1" | Invoke-AsyncWebBatch -FollowRelLink

            $results | Should -HaveCount 7
            $groups = $results | Group-Object Index | Sort-Object { [int]$_.Name }
            $groups.Count | Should -Be 3
            foreach ($group in $groups) {
                $pages = @($group.Group | Sort-Object PageIndex)
                @($pages.PageIndex) | Should -Be @(0..($pages.Count - 1))
                @($pages | ForEach-Object { $_.ContentObject.page }) | Should -Be @(1..$pages.Count)
            }
            @($groups.Count, $groups[0].Count, $groups[1].Count, $groups[2].Count) | Should -Be @(3, 4, 2, 1)
            Get-PathCount '/pages/link' | Should -Be 7
        }

        It 'reads several Link headers, relative links and a rel with several values ("next last")' {
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=4&split=1&relative=1&last=1" -FL -Ordered

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3', '0.3=4')
            $results[2].Headers['Link'].Count | Should -BeGreaterThan 1 -Because 'each link came in a Link header of its own'
            $results[2].Headers['Link'] -join ', ' | Should -Match 'rel="next last"'
            $results[3].Uri.AbsoluteUri | Should -Be "$base/pages/link?count=4&split=1&relative=1&last=1&page=4"
        }

        It 'times each page''s queue wait from when the page became due, not from when the item was received' {
            # Each page waits 300 ms at the server: a page whose QueueWaitMs counted from the item's arrival
            # would carry the earlier pages' time in it, the whole of page 0's Elapsed and more.
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=3&delayMs=300" -FollowRelLink -Ordered

            $results | Should -HaveCount 3
            foreach ($page in $results[1], $results[2]) {
                $page.QueueWaitMs | Should -Not -BeNullOrEmpty
                $page.QueueWaitMs | Should -BeLessThan $results[0].ElapsedMs -Because "page $($page.PageIndex) waited for no slot; the pages before it are not its queue wait"
            }
        }

        It 'returns the one page of a response without a Link header, as Invoke-RestMethod does' {
            $results = @(Invoke-AsyncWebBatch "$base/json" -FollowRelLink)

            $results | Should -HaveCount 1
            $results[0].PageIndex | Should -Be 0
            $results[0].ContentObject.name | Should -Be 'asyncweb'
        }

        It 'stops quietly at -MaximumFollowRelLink pages, the first counted (alias ML), and says so with -Verbose' {
            Reset-TestServerStats -Server $server
            $output = Invoke-AsyncWebBatch "$base/pages/link?count=10" -FollowRelLink -ML 3 -Ordered -Verbose 4>&1
            $results = @($output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3')
            $results | ForEach-Object { $_.Success | Should -BeTrue }
            Get-PathCount '/pages/link' | Should -Be 3
            $verbose -match 'stopped after 3 page\(s\) \(MaximumFollowRelLink\)' | Should -HaveCount 1
            @(Invoke-AsyncWebBatch "$base/pages/link?count=10" -FollowRelLink -MaximumFollowRelLink 1) | Should -HaveCount 1
        }

        It 'names the page in verbose lines and error messages' {
            $output = Invoke-AsyncWebBatch "$base/pages/link?count=3&failAt=3" -FollowRelLink -Ordered -Verbose -ErrorVariable failed -ErrorAction SilentlyContinue 4>&1
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

            $verbose -match '^#0 page 1 GET ' | Should -HaveCount 1
            $failed | Should -HaveCount 1
            $failed[0].Exception.Message | Should -Match '^\[#0 page 2\] GET '
            $failed[0].TargetObject.ToString() | Should -Match '^\[0 page 2\] 500 '
        }
    }

    Context 'a link in the JSON body (-NextLink)' {
        It 'follows <Path> (<Style>) to the last page, relative links resolved against the page' -ForEach @(
            @{ Style = 'next'; Path = 'next' }
            @{ Style = 'nested'; Path = 'links.next' }
            @{ Style = 'odata'; Path = '@odata.nextLink' }
            @{ Style = 'odata'; Path = "['@odata.nextLink']" }
        ) {
            Reset-TestServerStats -Server $server
            $results = "$base/pages/json?count=3&style=$Style", "$base/pages/json?count=2&relative=1&style=$Style" | Invoke-AsyncWebBatch -NextLink $Path -Ordered

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3', '1.0=1', '1.1=2')
            $results[4].Uri.AbsoluteUri | Should -Be "$base/pages/json?count=2&relative=1&style=$Style&page=2"
            Get-PathCount '/pages/json' | Should -Be 5
        }

        It 'ends the pages with InvalidNextLink when a page is not JSON, after emitting the pages before it' {
            $results = Invoke-AsyncWebBatch "$base/content?type=text/plain&body=not%20json" -NextLink next -FailuresAsResults -Ordered

            $results | Should -HaveCount 2
            $results[0].Success | Should -BeTrue
            $results[1].ErrorId | Should -Be 'InvalidNextLink'
            $results[1].PageIndex | Should -Be 1
            $results[1].Index | Should -Be 0
            $results[1].Attempts | Should -Be 0
            $results[1].Error.Message | Should -Match "no next link at 'next'.*not JSON"
        }

        It 'refuses a property path it cannot read before sending anything (InvalidPropertyPath)' {
            Reset-TestServerStats -Server $server
            { Invoke-AsyncWebBatch "$base/json" -NextLink 'links..next' } | Should -Throw -ErrorId 'InvalidPropertyPath,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            (Get-TestServerStats -Server $server).requests | Should -Be 0
        }
    }

    Context 'one page after another within an item, concurrently across items' {
        It 'runs different items'' pages at once and each item''s pages one at a time' {
            $hosts = @($server.Loopback | Select-Object -First 4)
            if ($hosts.Count -lt 2) {
                Set-ItResult -Skipped -Because 'this system has no 127.0.0.x addresses besides 127.0.0.1'
                return
            }

            Reset-TestServerStats -Server $server
            $results = $hosts | ForEach-Object { "$_/pages/link?count=4&delayMs=150" } | Invoke-AsyncWebBatch -FollowRelLink -ThrottleLimit 16

            $results | Should -HaveCount (4 * $hosts.Count)
            $stats = Get-TestServerStats -Server $server
            $stats.peakInFlight | Should -BeGreaterThan 1 -Because 'items run concurrently'
            foreach ($hostBase in $hosts) {
                $stats.peakInFlightByHost.(([uri]$hostBase).Authority) | Should -Be 1 -Because 'the pages of one item are fetched one after another'
            }
        }

        It 'emits an item''s pages in order before the next item''s with -Ordered' {
            $results = 1..4 | ForEach-Object { "$base/pages/link?count=3&delayMs=$(40 * (5 - $_))&n=$_" } | Invoke-AsyncWebBatch -FollowRelLink -Ordered -ThrottleLimit 4

            Get-PageTrail $results | Should -Be @(foreach ($i in 0..3) { foreach ($p in 0..2) { "$i.$p=$($p + 1)" } })
        }

        It 'stops following pages when the pipeline stops (Select-Object -First): nothing stays in flight' {
            Reset-TestServerStats -Server $server
            $first = Invoke-AsyncWebBatch "$base/pages/link?count=1000&delayMs=50" -FollowRelLink | Select-Object -First 3

            $first | Should -HaveCount 3
            Wait-Until { (Get-TestServerStats -Server $server).inFlight -eq 0 } -Because 'the page in flight is cancelled'
            Get-PathCount '/pages/link' | Should -BeLessOrEqual 5
        }
    }

    Context 'the remaining pages at once, when the first page reveals the last (-PageParameter)' {
        It 'fetches exactly pages 2 to the rel="last" page, each once, within -ThrottleLimitPerHost' {
            Reset-TestServerStats -Server $server
            $output = Invoke-AsyncWebBatch "$base/pages/link?count=9&last=1&delayMs=300" -FollowRelLink -PageParameter page -ThrottleLimitPerHost 3 -Verbose 4>&1
            $results = @($output | Where-Object { $_ -is [AsyncWeb.WebBatchResult] })

            $results | Should -HaveCount 9
            @($results.PageIndex | Sort-Object) | Should -Be @(0..8)
            $results | ForEach-Object { $_.ContentObject.page | Should -Be ($_.PageIndex + 1) }
            $stats = Get-TestServerStats -Server $server
            $stats.requestsByPath.'/pages/link' | Should -Be 9 -Because 'nothing is fetched twice'
            $stats.peakInFlightByHost."127.0.0.1:$port" | Should -BeLessOrEqual 3
            $stats.peakInFlightByHost."127.0.0.1:$port" | Should -BeGreaterThan 1 -Because 'pages 2 to 9 are fetched concurrently'
            @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'pages 2 to 9 .* fetched concurrently' }) | Should -HaveCount 1
        }

        It 'fetches pages 2 to ceiling(total / PageSize) from -TotalCount, in order with -Ordered' {
            Reset-TestServerStats -Server $server
            $results = Invoke-AsyncWebBatch "$base/pages/json?count=5&size=3&delayMs=100" -TotalCount meta.total -PageSize 3 -PageParameter page -Ordered -ThrottleLimit 8

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3', '0.3=4', '0.4=5')
            $stats = Get-TestServerStats -Server $server
            $stats.requestsByPath.'/pages/json' | Should -Be 5
            $stats.peakInFlight | Should -BeGreaterThan 1
        }

        It 'caps the pages at -MaximumFollowRelLink' {
            Reset-TestServerStats -Server $server
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=20&last=1" -FollowRelLink -PageParameter page -MaximumFollowRelLink 5

            @($results.PageIndex | Sort-Object) | Should -Be @(0..4)
            Get-PathCount '/pages/link' | Should -Be 5
        }

        It 'follows one by one when the next and last links differ in more than the page number' {
            Reset-TestServerStats -Server $server
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=4&last=1&lastExtra=1&delayMs=100" -FollowRelLink -PageParameter page

            @($results.PageIndex | Sort-Object) | Should -Be @(0..3)
            $stats = Get-TestServerStats -Server $server
            $stats.requestsByPath.'/pages/link' | Should -Be 4
            $stats.peakInFlight | Should -Be 1
        }

        It 'ends the item with InvalidTotalCount when the first page has no count and nothing else to follow' {
            $results = Invoke-AsyncWebBatch "$base/json" -TotalCount meta.total -PageSize 10 -PageParameter page -FailuresAsResults -Ordered

            $results | Should -HaveCount 2
            $results[1].ErrorId | Should -Be 'InvalidTotalCount'
            $results[1].PageIndex | Should -Be 1
        }
    }

    Context 'credentials, loops and failures' {
        It 'sends Authorization and Cookie only to pages on the item''s own origin' {
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=3&crossAt=2" -FollowRelLink -Ordered -Headers @{ Authorization = 'Bearer page-secret'; Cookie = 'sid=1' }

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3')
            $results[0].ContentObject.received.authorization | Should -Be 'Bearer page-secret'
            $results[0].ContentObject.received.cookie | Should -Be 'sid=1'
            foreach ($page in $results[1], $results[2]) {
                $page.ContentObject.received.host | Should -Be "localhost:$port"
                $page.ContentObject.received.authorization | Should -BeNullOrEmpty
                $page.ContentObject.received.cookie | Should -BeNullOrEmpty
            }
        }

        It 'sends a session''s token to pages on its origin only' {
            $token = ConvertTo-SecureString 'session-secret' -AsPlainText -Force
            $session = New-AsyncWebSession -BaseUri $base -Token $token -AllowUnencryptedAuthentication
            try {
                $results = Invoke-AsyncWebBatch '/pages/link?count=3&crossAt=3' -Session $session -FollowRelLink -Ordered
            }
            finally {
                $session.Dispose()
            }

            @($results[0..1] | ForEach-Object { $_.ContentObject.received.authorization }) | Should -Be @('Bearer session-secret', 'Bearer session-secret')
            $results[2].ContentObject.received.host | Should -Be "localhost:$port"
            $results[2].ContentObject.received.authorization | Should -BeNullOrEmpty
        }

        It 'sends the cmdlet''s -Token to pages on the item''s origin only' {
            $token = ConvertTo-SecureString 'cmdlet-secret' -AsPlainText -Force
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=3&crossAt=3" -Token $token -AllowUnencryptedAuthentication -FollowRelLink -Ordered

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3')
            @($results[0..1] | ForEach-Object { $_.ContentObject.received.authorization }) | Should -Be @('Bearer cmdlet-secret', 'Bearer cmdlet-secret')
            $results[2].ContentObject.received.host | Should -Be "localhost:$port"
            $results[2].ContentObject.received.authorization | Should -BeNullOrEmpty
        }

        It 'ends a loop with PaginationLoop, naming the page it returned to, after the pages before it' {
            Reset-TestServerStats -Server $server
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=3&loopTo=2" -FollowRelLink -Ordered -ErrorVariable failed -ErrorAction SilentlyContinue

            Get-PageTrail $results | Should -Be @('0.0=1', '0.1=2', '0.2=3')
            $failed | Should -HaveCount 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'PaginationLoop,*'
            $failed[0].TargetObject.Index | Should -Be 0
            $failed[0].TargetObject.PageIndex | Should -Be 3
            $failed[0].TargetObject.Uri.AbsoluteUri | Should -Be "$base/pages/link?count=3&loopTo=2&page=2"
            $failed[0].Exception.Message | Should -Match 'which was page 1 of this item'
            Get-PathCount '/pages/link' | Should -Be 3
        }

        It 'makes an answer the next page cannot be planned from (<Case>) that item''s error in the next page''s place; the batch goes on<Mode>' -ForEach @(
            @{ Case = 'a JSON next link that is no text'; Path = '/pages/hostile/surrogate'; Parameters = @{ NextLink = 'next' }; ErrorId = 'InvalidNextLink'; Mode = ''; Ordered = $false }
            @{ Case = 'a JSON next link that is no text'; Path = '/pages/hostile/surrogate'; Parameters = @{ NextLink = 'next' }; ErrorId = 'InvalidNextLink'; Mode = ', in order'; Ordered = $true }
            @{ Case = 'a record count that is no text'; Path = '/pages/hostile/surrogate'; Parameters = @{ PageParameter = 'page'; TotalCount = 'meta.total'; PageSize = 2 }; ErrorId = 'InvalidTotalCount'; Mode = ''; Ordered = $false }
            @{ Case = 'a record count of 1e30'; Path = '/pages/hostile/total?value=1e30'; Parameters = @{ PageParameter = 'page'; TotalCount = 'meta.total'; PageSize = 2 }; ErrorId = 'InvalidTotalCount'; Mode = ''; Ordered = $false }
        ) {
            $results = Invoke-Bounded {
                param($Uris, $Parameters, $Ordered)
                $Uris | Invoke-AsyncWebBatch @Parameters -Ordered:$Ordered -ThrottleLimit 2 -FailuresAsResults
            } -ArgumentList @("$base$Path", "$base/pages/json?count=2"), $Parameters, $Ordered -TimeoutSec 30

            $hostile = @($results | Where-Object Index -EQ 0)
            @($hostile | ForEach-Object { "$($_.PageIndex):$($_.ErrorId)" }) | Should -Be @('0:', "1:$ErrorId")
            $hostile[1].Error.Message | Should -Match 'page 0'
            $other = @($results | Where-Object Index -EQ 1)
            $other.Count | Should -BeGreaterThan 0 -Because 'the other item is fetched'
            $other | ForEach-Object { $_.Success | Should -BeTrue }
            if ($Ordered) { -join $results.Index | Should -Match '^0+1+$' }
        }

        It 'refuses an item that announces more than 10,000 pages without -MaximumFollowRelLink (<Case>): TooManyPages, naming the item, after its first page only' -ForEach @(
            @{ Case = 'a record count'; Path = '/pages/json?count=20000'; Parameters = @{ PageParameter = 'page'; TotalCount = 'meta.total'; PageSize = 2 } }
            @{ Case = 'a record count of long.MaxValue'; Path = '/pages/hostile/total?value=9223372036854775807'; Parameters = @{ PageParameter = 'page'; TotalCount = 'meta.total'; PageSize = 1 } }
            @{ Case = 'a rel="last" link'; Path = '/pages/link?count=20000&last=1'; Parameters = @{ FollowRelLink = $true; PageParameter = 'page' } }
        ) {
            Reset-TestServerStats -Server $server
            $results = Invoke-Bounded {
                param($Uris, $Parameters)
                $Uris | Invoke-AsyncWebBatch @Parameters -Ordered -FailuresAsResults
            } -ArgumentList @("$base/pages/json?count=2", "$base$Path"), $Parameters -TimeoutSec 30

            @($results | Where-Object Index -EQ 1 | ForEach-Object { "$($_.PageIndex):$($_.ErrorId)" }) | Should -Be @('0:', '1:TooManyPages')
            $results[-1].Error.Message | Should -Match 'item 1: page 0 announces .* more pages .* -MaximumFollowRelLink'
            $results | Where-Object Index -EQ 0 | ForEach-Object { $_.Success | Should -BeTrue }
            -join $results.Index | Should -Match '^0+11$'
            (Get-TestServerStats -Server $server).requests | Should -Be ($results.Count - 1) -Because 'every result but the refusal is a request'
        }

        It 'fetches as many pages as an explicit -MaximumFollowRelLink allows, however many are announced, and ends quietly' {
            $results = Invoke-AsyncWebBatch "$base/pages/hostile/total?value=9223372036854775807" -PageParameter page -TotalCount meta.total -PageSize 1 -MaximumFollowRelLink 3 -FailuresAsResults

            @($results | ForEach-Object { "$($_.PageIndex):$($_.ErrorId)" }) | Sort-Object | Should -Be @('0:', '1:', '2:')
        }

        It 'makes a failed page that page''s error and follows no further' {
            Reset-TestServerStats -Server $server
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=5&failAt=3" -FollowRelLink -Ordered -FailuresAsResults

            @($results | ForEach-Object { "$($_.PageIndex):$($_.StatusCode):$($_.ErrorId)" }) | Should -Be @('0:200:', '1:200:', '2:500:HttpStatus')
            Get-PathCount '/pages/link' | Should -Be 3
        }

        It 'refuses to save pages to files: -OutFile for the batch stops it, an OutFile of an item fails that item' {
            { Invoke-AsyncWebBatch "$base/pages/link" -FollowRelLink -OutFile (Join-Path $TestDrive 'x.json') } |
                Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'

            $results = @{ Uri = "$base/pages/link?count=2"; OutFile = (Join-Path $TestDrive 'y.json') }, "$base/pages/link?count=2" |
                Invoke-AsyncWebBatch -FollowRelLink -FailuresAsResults
            ($results | Where-Object Index -EQ 0).ErrorId | Should -Be 'InvalidOutFile'
            @($results | Where-Object Index -EQ 1) | Should -HaveCount 2
            Test-Path (Join-Path $TestDrive 'y.json') | Should -BeFalse
        }

        It 'refuses -PageParameter or -PageSize without what they serve (ConflictingParameters)' {
            { Invoke-AsyncWebBatch "$base/json" -PageParameter page } | Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            { Invoke-AsyncWebBatch "$base/json" -TotalCount total -PageParameter page } | Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
            { Invoke-AsyncWebBatch "$base/json" -FollowRelLink -PageSize 5 } | Should -Throw -ErrorId 'ConflictingParameters,AsyncWeb.Commands.InvokeAsyncWebBatchCommand'
        }
    }

    Context 'pages and host-aware flow control (issue 14)' {
        It 'holds a page that becomes due while its host is paused until the pause ends; other hosts'' pages go on' {
            $otherBase = if ($server.Loopback.Count -gt 0) { $server.Loopback[0] } else { "http://localhost:$port" }
            $key = [guid]::NewGuid().ToString('N')
            # Item 0's first page (host A) takes 300 ms; meanwhile item 1's 429 with Retry-After: 2 pauses host A, so
            # item 0's next page becomes due during the pause. Item 2's pages are on another host.
            $uris = "$base/pages/link?count=3&delayMs=300&tenant=$key", "$base/pause/$key`?retryAfter=2", "$otherBase/pages/link?count=3&delayMs=100&tenant=$key"
            $results = @($uris | Invoke-AsyncWebBatch -FollowRelLink -ThrottleLimit 4 -MaximumRetryCount 1)

            $results | Should -HaveCount 7
            $results | ForEach-Object { $_.StatusCode | Should -Be 200 }
            $paused = $results | Where-Object Index -EQ 1
            $paused.Attempts | Should -Be 2
            $pauseFrom = $paused.StartTimeUtc
            $held = @($results | Where-Object Index -EQ 0 | Sort-Object PageIndex)
            @($held.PageIndex) | Should -Be @(0, 1, 2)
            # Unpaused, page 1 would start about 300 ms in; the pause (2 s from when the 429 was read) holds it back.
            ($held[1].StartTimeUtc - $pauseFrom).TotalMilliseconds | Should -BeGreaterOrEqual 1950
            ($held.HostWaitMs | Measure-Object -Sum).Sum | Should -BeGreaterThan 1000 -Because 'the page that waited says so in HostWaitMs'
            $other = @($results | Where-Object Index -EQ 2 | Sort-Object PageIndex)
            # By order, not by a bound in ms: the other host's last page starts before the held page does.
            $other[-1].StartTimeUtc | Should -BeLessThan $held[1].StartTimeUtc -Because 'pages to another host are not held'
        }
    }

    Context 'pages and the journal (-JournalPath)' {
        BeforeAll {
            # Item 0: 3 pages; item 1: page 2 fails (500); item 2: 4 numbered pages, 2 to 4 fetched at once.
            $script:tenant = [guid]::NewGuid().ToString('N')
            $script:pagedUris = "$base/pages/link?count=3&tenant=$tenant", "$base/pages/link?count=3&failAt=2&tenant=$tenant", "$base/pages/link?count=4&last=1&tenant=$tenant"
            $script:pagedJournal = Join-Path $TestDrive "$tenant.journal"
            $script:firstRun = @($pagedUris | Invoke-AsyncWebBatch -FollowRelLink -PageParameter page -JournalPath $pagedJournal -FailuresAsResults)
            $script:entries = @(Get-Content -LiteralPath $pagedJournal | Select-Object -Skip 1 | ForEach-Object { $_ | ConvertFrom-Json })
            Reset-TestServerStats -Server $server
            $script:secondRun = @($pagedUris | Invoke-AsyncWebBatch -FollowRelLink -PageParameter page -JournalPath $pagedJournal -FailuresAsResults)
            $script:secondRequests = Get-PathCount '/pages/link'
        }

        It 'records an item with pages once, after its last page, as succeeded only when every page succeeded' {
            $firstRun | Should -HaveCount 9
            $entries | Should -HaveCount 3
            @($entries | Sort-Object index | ForEach-Object { '{0}={1}' -f $_.index, $_.success }) | Should -Be @('0=True', '1=False', '2=True')
        }

        It 'skips a journaled item on a re-run with one FromJournal result (PageIndex 0), and fetches every page of the others' {
            $skipped = @($secondRun | Where-Object FromJournal)
            @($skipped.Index | Sort-Object) | Should -Be @(0, 2)
            $skipped | ForEach-Object { $_.PageIndex | Should -Be 0; $_.Skipped | Should -BeTrue }
            $again = @($secondRun | Where-Object Index -EQ 1 | Sort-Object PageIndex)
            @($again.PageIndex) | Should -Be @(0, 1)
            $again[1].ErrorId | Should -Be 'HttpStatus'
            $secondRequests | Should -Be 2 -Because 'only the failed item''s pages are sent again, from its first'
        }
    }

    Context 'results that travel' {
        It 'keeps PageIndex through serialization' {
            $results = Invoke-AsyncWebBatch "$base/pages/link?count=2" -FollowRelLink -Ordered
            $path = Join-Path $TestDrive 'pages.xml'
            $results | Export-Clixml -LiteralPath $path

            @((Import-Clixml -LiteralPath $path).PageIndex) | Should -Be @(0, 1)
        }
    }
}
