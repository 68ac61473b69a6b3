# bench/results.md: the table of every scenario's rows, the machine, the notes and every figure;
# dot-sourced by Invoke-Benchmark.ps1.

function ConvertTo-ResultTable([object[]] $Rows) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('| Scenario | Tool | Median | Unit | AsyncWeb ratio | Target | Result |')
    $lines.Add('|---|---|---:|---|---:|---|---|')
    foreach ($row in $Rows) {
        $ratio = if ([double]::IsNaN($row.Ratio)) { '' } else { (Format-Figure $row.Ratio) + $row.RatioSuffix }
        $result = if ($null -eq $row.Pass) { '' } elseif ($row.Pass) { '**pass**' } else { '**miss**' }
        $lines.Add("| $($row.Scenario) | $($row.Tool) | $(Format-Figure $row.Median) | $($row.Unit) | $ratio | $($row.Target) | $result |")
    }
    return $lines
}

function Get-MachineFacts {
    $version = { param($command) try { (& $command[0] $command[1..($command.Count - 1)] 2>&1 | Select-Object -First 1) -as [string] } catch { 'n/a' } }
    $cpu = (Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
    $memory = ((Get-Content /proc/meminfo | Select-Object -First 1) -replace '\D', '') / 1MB
    $manifest = Import-PowerShellDataFile $moduleManifest
    [ordered]@{
        'nproc'          = "$([Environment]::ProcessorCount) ($cpu)"
        'memory'         = '{0:N1} GiB' -f $memory
        'OS / kernel'    = "Debian $((Get-Content /etc/debian_version -ErrorAction SilentlyContinue)) / $(& uname -r)"
        'PowerShell'     = "$($PSVersionTable.PSVersion) on .NET $([Environment]::Version)"
        'AsyncWeb'       = $manifest.ModuleVersion
        'nginx'          = (& $version @('/usr/sbin/nginx', '-v')) -replace '^nginx version:\s*', ''
        'curl'           = & $version @('/usr/bin/curl', '--version')
        'wrk'            = (& $version @('/usr/bin/wrk', '-v')) -replace '\s*Copyright.*$', ''
        'python3'        = & $version @('/usr/bin/python3', '--version')
        'aiohttp'        = & $version @('/usr/bin/python3', '-c', 'import aiohttp; print(aiohttp.__version__)')
        'load average'   = "$loadBefore at start, $((Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ') at end"
    }
}

function Write-Results([object[]] $Rows, [string[]] $Failed) {
    $facts = Get-MachineFacts
    $md = [System.Collections.Generic.List[string]]::new()
    $md.Add('# AsyncWeb benchmark results')
    $md.Add('')
    $kind = if ($Quick) { 'quick run (-Quick: smaller counts)' } else { 'full run' }
    $md.Add("Written by ``bench/Invoke-Benchmark.ps1`` on $($runStarted.ToString('yyyy-MM-dd HH:mm')) ($kind; scenarios $(($selected | ForEach-Object Name) -join ', '); medians of $Repeat repeat(s); ThrottleLimit $ThrottleLimit; $([int]((Get-Date) - $runStarted).TotalSeconds) s).")
    $md.Add('AsyncWeb ratio: AsyncWeb''s median divided by the row''s median (above 1 = AsyncWeb faster for req/s, MiB/s and files/s;')
    $md.Add('for s it is AsyncWeb''s time over the row''s); where the row says otherwise (MB above idle, ms) that figure is shown.')
    foreach ($spec in $selected) { if ($spec.TableNote) { $md.Add($spec.TableNote) } }
    $md.Add('')
    foreach ($line in ConvertTo-ResultTable $Rows) { $md.Add($line) }
    $md.Add('')
    $md.Add('## Machine')
    $md.Add('')
    $md.Add('| Fact | Value |')
    $md.Add('|---|---|')
    foreach ($entry in $facts.GetEnumerator()) { $md.Add("| $($entry.Key) | $($entry.Value) |") }
    $md.Add('')
    $md.Add('## Notes')
    $md.Add('')
    # Every scenario's counts, selected or not; then the notes of those that ran.
    $countsNotes = foreach ($spec in $all) { if ($spec.CountsNote) { $counts = $spec.Counts; & $spec.CountsNote } }
    if ($countsNotes) { $md.Add("- Counts: $($countsNotes -join '; ').") }
    foreach ($spec in $selected) { if ($spec.Notes) { $counts = $spec.Counts; foreach ($line in & $spec.Notes) { $md.Add($line) } } }
    $md.Add("- Scenario 2's endpoint: $(if ($DelayServer -eq 'TestServer') { 'the project''s Kestrel test server, `/delay/100`' } else { 'bench/delay_server.py (aiohttp), `/delay/100`' }); the rest is served by nginx-light $($facts.nginx) on 127.0.0.1.")
    $md.Add('- AsyncWeb and PowerShell figures are timed inside a fresh pwsh process around the command only; curl and wrk are timed around their process; aiohttp inside the script around the requests. Peak RSS is /usr/bin/time -v''s maximum resident set size of that process.')
    $md.Add('- What limits AsyncWeb where it misses, and the suggested engine changes: bench/README.md, "What limits AsyncWeb where it misses".')
    foreach ($note in $notes) { $md.Add("- $note") }
    foreach ($failure in $Failed) { $md.Add("- FAILED: $failure") }
    $md.Add('')
    $md.Add('## Every figure')
    $md.Add('')
    $md.Add('| Scenario | Tool | Unit | Figures (in run order) |')
    $md.Add('|---|---|---|---|')
    foreach ($group in $figures | Group-Object Scenario, Tool) {
        $first = $group.Group[0]
        $md.Add("| $($first.Scenario) | $($first.Tool) | $($first.Unit) | $(($group.Group | ForEach-Object { Format-Figure $_.Value }) -join ', ') |")
    }

    Set-Content -LiteralPath $ResultsPath -Value $md
    Write-Host "Results written to $ResultsPath"

    # A full run of every scenario also refreshes the table in the README.
    $readme = Join-Path $PSScriptRoot 'README.md'
    if (-not $Quick -and $selected.Count -eq $all.Count -and -not $Failed -and (Test-Path $readme)) {
        $text = Get-Content -Raw -LiteralPath $readme
        $start = '<!-- results:start -->'
        $end = '<!-- results:end -->'
        $i = $text.IndexOf($start)
        $j = $text.IndexOf($end)
        if ($i -ge 0 -and $j -gt $i) {
            $block = @($start, '', "Full run of $($runStarted.ToString('yyyy-MM-dd')), medians of $Repeat repeats on $($facts.nproc):", '') + (ConvertTo-ResultTable $Rows) + @('', $end)
            $text = $text.Substring(0, $i) + ($block -join "`n") + $text.Substring($j + $end.Length)
            Set-Content -LiteralPath $readme -Value $text -NoNewline
            Write-Host "README table refreshed"
        }
    }
}
