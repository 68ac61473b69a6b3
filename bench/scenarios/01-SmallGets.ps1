# 100k GETs of a 1 KB JSON file, concurrency 64
@{
    Title  = '100k small GETs'
    Needs  = 'Nginx', 'curl', 'aiohttp', 'wrk'
    Counts = @{
        Full  = @{ Gets = 100000; Parallel = 10000; Sequential = 10000; WrkSec = 5 }
        Quick = @{ Gets = 20000; Parallel = 2000; Sequential = 1000; WrkSec = 2 }
    }
    CountsNote = { "scenario 1 $(Format-Figure $counts.Gets) requests for AsyncWeb, curl and aiohttp, $(Format-Figure $counts.Parallel) for ForEach-Object -Parallel, $(Format-Figure $counts.Sequential) for sequential Invoke-RestMethod (rates are per request), wrk for $($counts.WrkSec) s" }
    Run    = {
        $s = $spec.Title
        $url = "$($nginx.Base)/small.json"
        $n = $counts.Gets
        $cfg = Join-Path $work 'curl-small.cfg'
        Write-CurlConfig $cfg ([string[]]::new($n).ForEach({ $url }))
        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($n requests, concurrency $ThrottleLimit)" -ForegroundColor Cyan
            $m = Invoke-Child 'AsyncWeb Gets' @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit; Warm = $true; InProcessPeer = $true; InProcessPipeline = $true; MeasuredRounds = $MeasuredRounds }
            Confirm-Clean 'AsyncWeb (scenario 1)' $m $n
            Add-Figure $s 'AsyncWeb (fresh pwsh, first call)' ($n / $m.Json.seconds) 'req/s'
            # The first call's CPU (all threads of that pwsh: the JIT's background thread too) and the methods
            # compiled during it: figures a loaded machine moves far less than the rate.
            Add-Figure $s 'AsyncWeb first call · CPU' (1e6 * $m.Json.cpuSeconds / $n) 'CPU µs/req'
            Add-Figure $s 'AsyncWeb first call · jitted' $m.Json.jitMethods 'methods'
            Add-Figure $s 'AsyncWeb (same session, second call)' ($n / $m.Json.warmSeconds) 'req/s'
            Add-InProcessFigure $s '' $m $n

            # The same first call with dynamic PGO off, set before pwsh starts (the lever a user has; a module cannot
            # set it): info beside the target, which is read from the defaults above.
            $m = Invoke-Child 'AsyncWeb Gets, DOTNET_TieredPGO=0' @{ Mode = 'Gets'; ModulePath = $moduleManifest; Uri = $url; Count = $n; ThrottleLimit = $ThrottleLimit } -Environment @{ DOTNET_TieredPGO = '0' }
            Confirm-Clean 'AsyncWeb with DOTNET_TieredPGO=0 (scenario 1)' $m $n
            Add-Figure $s 'AsyncWeb (fresh pwsh, first call, DOTNET_TieredPGO=0)' ($n / $m.Json.seconds) 'req/s'

            $m = Invoke-Measured -Command '/usr/bin/curl', '-s', '--fail', '--parallel', '--parallel-max', $ThrottleLimit, '-K', $cfg -StdoutToNull -Label 'curl --parallel'
            Add-Figure $s 'curl --parallel' ($n / $m.Wall) 'req/s'
            Add-Figure $s 'curl --parallel · CPU' (1e6 * $m.CpuSeconds / $n) 'CPU µs/req'

            $m = Invoke-Measured -Command '/usr/bin/python3', $aiohttpPeer, 'get', $url, $n, $ThrottleLimit -Label 'aiohttp'
            Confirm-Clean 'aiohttp (scenario 1)' $m $n
            Add-Figure $s 'aiohttp' ($n / $m.Json.seconds) 'req/s'

            $p = $counts.Parallel
            $m = Invoke-Child 'ForEach-Object -Parallel' @{ Mode = 'Parallel'; Uri = $url; Count = $p; ThrottleLimit = $ThrottleLimit }
            Confirm-Clean 'ForEach-Object -Parallel (scenario 1)' $m $p
            Add-Figure $s "ForEach-Object -Parallel + Invoke-RestMethod ($(Format-Figure $p) req)" ($p / $m.Json.seconds) 'req/s'

            $q = $counts.Sequential
            $m = Invoke-Child 'sequential Invoke-RestMethod' @{ Mode = 'Sequential'; Uri = $url; Count = $q }
            Confirm-Clean 'sequential Invoke-RestMethod (scenario 1)' $m $q
            Add-Figure $s "sequential Invoke-RestMethod ($(Format-Figure $q) req)" ($q / $m.Json.seconds) 'req/s'

            $m = Invoke-Measured -Command '/usr/bin/wrk', "-c$ThrottleLimit", '-t2', "-d$($counts.WrkSec)s", $url -Label 'wrk'
            if ($m.Stdout -notmatch 'Requests/sec:\s+([\d.]+)') { throw "wrk printed no Requests/sec:`n$($m.Stdout)" }
            Add-Figure $s 'wrk (ceiling of this nginx)' ([double]$Matches[1]) 'req/s'
        }
    }
    Rows   = {
        $s = $spec.Title
        $aw = Get-Figure $s 'AsyncWeb (fresh pwsh, first call)'
        New-Row $s 'AsyncWeb (fresh pwsh, first call)' $aw 'req/s'
        $firstCpu = Get-Figure $s 'AsyncWeb first call · CPU'
        New-Row $s 'AsyncWeb (fresh pwsh, first call): CPU per request, all its threads (info)' $firstCpu 'CPU µs/req'
        New-Row $s "curl --parallel: CPU per request (info; ratio: curl's over AsyncWeb's first call)" (Get-Figure $s 'curl --parallel · CPU') 'CPU µs/req' ((Get-Figure $s 'curl --parallel · CPU') / $firstCpu)
        New-Row $s 'AsyncWeb (fresh pwsh, first call): methods jitted during the call, tier-1 recompilations included (info)' (Get-Figure $s 'AsyncWeb first call · jitted') 'methods'
        $noPgo = Get-Figure $s 'AsyncWeb (fresh pwsh, first call, DOTNET_TieredPGO=0)'
        New-Row $s 'AsyncWeb (fresh pwsh, first call) with DOTNET_TieredPGO=0 set before pwsh starts (info; ratio: over curl --parallel)' $noPgo 'req/s' ($noPgo / (Get-Figure $s 'curl --parallel'))
        $warm = Get-Figure $s 'AsyncWeb (same session, second call)'
        $warmVs = foreach ($peer in 'curl --parallel', 'aiohttp') { '{0}× {1}' -f (Format-Figure ($warm / (Get-Figure $s $peer))), $peer }
        New-Row $s "AsyncWeb (same session, second call; info: $($warmVs -join ', '))" $warm 'req/s' ($aw / $warm)
        # Warm, over curl --parallel: through the pipeline and through -Uri, settled (the in-process comparison's median
        # measured round, after the same unmeasured rounds as the bare loop); the second call above is still tiering up.
        $curl = Get-Figure $s 'curl --parallel'
        $forms = [ordered]@{ 'AsyncWeb pipeline' = 'the pipeline ($uris | … | Out-Null)'; 'AsyncWeb -Uri' = '-Uri $uris (| Out-Null)' }
        foreach ($form in $forms.GetEnumerator()) {
            $rate = Get-Figure $s "$($form.Key) · req/s"
            if (-not [double]::IsNaN($rate)) { New-Row $s "AsyncWeb warm (settled) through $($form.Value), over curl --parallel" $rate 'req/s' ($rate / $curl) '≥ 1.5×' ($rate / $curl -ge 1.5) }
        }
        New-InProcessRow $s '' 'In the same pwsh:'
        $targets = @{ 'curl --parallel' = 1.2; 'aiohttp' = 5.0 }
        foreach ($tool in @($figures | Where-Object { $_.Scenario -eq $s -and $_.Tool -notlike 'AsyncWeb*' -and $_.Tool -notlike '*·*' } | ForEach-Object Tool | Select-Object -Unique)) {
            $value = Get-Figure $s $tool
            $ratio = $aw / $value
            $goal = if ($targets.ContainsKey($tool)) { $targets[$tool] } elseif ($tool -like 'ForEach-Object -Parallel*') { 50.0 } else { $null }
            if ($null -ne $goal) { New-Row $s $tool $value 'req/s' $ratio "≥ $goal×" ($ratio -ge $goal) }
            else { New-Row $s $tool $value 'req/s' $ratio }
        }
    }
}
