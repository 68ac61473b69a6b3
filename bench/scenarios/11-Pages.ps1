# every page of a paginated API (the test server's /pages/link, 50 ms a page) for 16 items of 20 pages:
# -FollowRelLink page by page, -FollowRelLink -PageParameter page (rel="last": the rest at once), and
# ForEach-Object -Parallel { Invoke-RestMethod -FollowRelLink }
@{
    Title  = 'paginated API'
    Needs  = 'TestServer'
    Counts = @{
        Full  = @{ PageItems = 16; Pages = 20 }
        Quick = @{ PageItems = 8; Pages = 20 }
    }
    Notes = { "- Scenario 11: $($counts.PageItems) items of $($counts.Pages) pages each from the test server's /pages/link (50 ms before each page), ThrottleLimit and ThrottleLimitPerHost $ThrottleLimit. Page by page, an item takes $($counts.Pages) x 50 ms whatever the tool; with -PageParameter the first page's rel=""last"" lets pages 2 to $($counts.Pages) of every item run at once. Invoke-RestMethod runs one item per runspace." }
    Run    = {
        # Issue 13: pages of one item are sequential, items run concurrently, and when the first page reveals
        # the last (rel="last" with a page number) the remaining pages run at once. 50 ms a page on the test server.
        $s = $spec.Title
        $items = $counts.PageItems
        $pages = $counts.Pages
        $n = $items * $pages
        $follow = Join-Path $work 'pages-follow.txt'
        $last = Join-Path $work 'pages-last.txt'
        # Invoke-RestMethod reads rel="next last" (the second-to-last page with last=1) as one relation and would
        # stop there, so the page-by-page runs use pages without rel="last".
        [System.IO.File]::WriteAllLines($follow, [string[]](1..$items | ForEach-Object { "$($testServer.Base)/pages/link?count=$pages&delayMs=50&tenant=$_" }))
        [System.IO.File]::WriteAllLines($last, [string[]](1..$items | ForEach-Object { "$($testServer.Base)/pages/link?count=$pages&delayMs=50&last=1&tenant=$_" }))
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($items items x $pages pages, concurrency $ThrottleLimit)" -ForegroundColor Cyan
            $m = Invoke-Child 'AsyncWeb -FollowRelLink' @{ Mode = 'Pages'; ModulePath = $moduleManifest; ListFile = $follow; ThrottleLimit = $ThrottleLimit }
            Confirm-Clean 'AsyncWeb -FollowRelLink (scenario 11)' $m $n
            Add-Figure $s 'AsyncWeb -FollowRelLink' $m.Json.seconds 's'

            $m = Invoke-Child 'AsyncWeb -FollowRelLink -PageParameter page' @{ Mode = 'Pages'; ModulePath = $moduleManifest; ListFile = $last; ThrottleLimit = $ThrottleLimit; PageParameter = 'page' }
            Confirm-Clean 'AsyncWeb -PageParameter (scenario 11)' $m $n
            Add-Figure $s 'AsyncWeb -FollowRelLink -PageParameter page' $m.Json.seconds 's'

            $m = Invoke-Child 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink' @{ Mode = 'ParallelPages'; ListFile = $follow; ThrottleLimit = $ThrottleLimit }
            Confirm-Clean 'ForEach-Object -Parallel (scenario 11)' $m $n
            Add-Figure $s 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink' $m.Json.seconds 's'
        }
    }
    Rows   = {
        $s = $spec.Title
        $follow = Get-Figure $s 'AsyncWeb -FollowRelLink'
        # Page by page: an item's pages one after another, items at once (16 items < ThrottleLimit).
        $ideal = $counts.Pages * 0.05
        New-Row $s "AsyncWeb -FollowRelLink (ideal $(Format-Figure $ideal) s: $($counts.Pages) pages x 50 ms)" $follow 's' ($follow / $ideal) '≤ 1.5× ideal' ($follow / $ideal -le 1.5)
        $at = Get-Figure $s 'AsyncWeb -FollowRelLink -PageParameter page'
        $idealAt = 0.05 * (1 + [Math]::Ceiling($counts.PageItems * ($counts.Pages - 1) / $ThrottleLimit))
        New-Row $s "AsyncWeb -FollowRelLink -PageParameter page (ideal $(Format-Figure $idealAt) s)" $at 's' ($follow / $at) '' $null '× faster than page by page'
        $peer = Get-Figure $s 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink'
        New-Row $s 'ForEach-Object -Parallel + Invoke-RestMethod -FollowRelLink' $peer 's' ($peer / $follow) '' $null '× slower than AsyncWeb -FollowRelLink'
    }
}
