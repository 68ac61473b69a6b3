# a 1 GiB JSON array of small objects to a pipeline count (issue 25): peak memory of Invoke-AsyncWebBatch -Stream over an
# idle pwsh and its throughput against curl -N | jq -c '.[]' | wc -l; Invoke-RestMethod's peak memory on a smaller array
@{
    Title  = 'JSON array to a pipeline count'
    Needs  = 'Nginx', 'curl'
    Counts = @{
        Full  = @{ ArrayBytes = 1GB; SmallArrayBytes = 64MB }
        Quick = @{ ArrayBytes = 128MB; SmallArrayBytes = 16MB }
    }
    CountsNote = { "scenario 14 $(Format-Figure ($counts.ArrayBytes / 1MB)) MiB array, $(Format-Figure ($counts.SmallArrayBytes / 1MB)) MiB for Invoke-RestMethod" }
    Notes  = { "- Scenario 14: nginx serves a generated JSON array of objects of about 150 bytes, one per line. AsyncWeb: ``Invoke-AsyncWebBatch -Uri <array> -Stream -StreamFormat JsonArray | Measure-Object`` in a fresh pwsh (elements cut and emitted as WebBatchStreamItem objects; ContentObject is parsed on first use, which Measure-Object never asks for, so the '… ContentObject read' rows add PowerShell's JSON parser per element). The peer is ``curl -sN <array> | jq -c '.[]' | wc -l`` (jq parses the whole document before its first output; its peak RSS is jq's), or Python's ijson (``ijson.items(stdin, 'item')``) where jq is missing. Invoke-RestMethod reads the smaller array (``(Invoke-RestMethod <array>) | Measure-Object``: the body and every object at once; it writes the array as one object). Peak RSS is /usr/bin/time's, of the largest process of a pipeline." }
    Run    = {
        $s = $spec.Title
        Write-Host "== $s, generating $(Format-Figure ($counts.ArrayBytes / 1MB)) MiB and $(Format-Figure ($counts.SmallArrayBytes / 1MB)) MiB arrays" -ForegroundColor Cyan
        $big = @{ Path = Join-Path $www 'array.json' }
        $big.Count = New-BenchJsonArray -Path $big.Path -Length $counts.ArrayBytes
        $small = @{ Path = Join-Path $www 'array-small.json' }
        $small.Count = New-BenchJsonArray -Path $small.Path -Length $counts.SmallArrayBytes
        foreach ($array in $big, $small) {
            $array.Url = "$($nginx.Base)/$(Split-Path -Leaf $array.Path)"
            $array.MiB = (Get-Item -LiteralPath $array.Path).Length / 1MB
        }
        Sync-Disk

        # The peer: jq (installed from Debian's package unless -NoInstall), else Python's ijson where it is installed.
        if (-not (Test-Path -LiteralPath '/usr/bin/jq') -and -not $NoInstall) {
            try { Install-BenchPeer -Peer jq } catch { $notes.Add("scenario 14: jq could not be installed: $_") }
        }
        $peer = if (Test-Path -LiteralPath '/usr/bin/jq') {
            @{ Name = "curl -N | jq -c '.[]' | wc -l"; Script = 'set -o pipefail; n=$(curl -sN --fail "$1" | jq -c ".[]" | wc -l) && printf "{\"count\":%d}\n" "$n"' }
        }
        elseif ((Test-Path -LiteralPath '/usr/bin/python3') -and $(& /usr/bin/python3 -c 'import ijson' 2>$null; $LASTEXITCODE -eq 0)) {
            $python = 'import sys, json, ijson; print(json.dumps({"count": sum(1 for _ in ijson.items(sys.stdin.buffer, "item"))}))'
            @{ Name = "curl -N | python3 ijson.items"; Script = "set -o pipefail; curl -sN --fail `"`$1`" | /usr/bin/python3 -c '$python'" }
        }
        if (-not $peer) { $notes.Add('scenario 14: neither jq nor Python''s ijson is installed: no curl -N peer (install jq, or run without -NoInstall)') }

        for ($r = 1; $r -le $Repeat; $r++) {
            Write-Host "== $s, repeat $r/$Repeat ($(Format-Figure $big.MiB) MiB, $(Format-Count $big.Count) elements)" -ForegroundColor Cyan
            $m = Invoke-Child 'idle pwsh' @{ Mode = 'Import'; ModulePath = $moduleManifest }
            Add-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS' $m.RssMB 'MB'

            $m = Invoke-Child 'AsyncWeb -Stream' @{ Mode = 'StreamArray'; ModulePath = $moduleManifest; Uri = $big.Url } -TimeoutSec 1800
            Confirm-Clean 'AsyncWeb -Stream -StreamFormat JsonArray (scenario 14)' $m $big.Count
            Add-Figure $s 'AsyncWeb -Stream' ($big.MiB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'AsyncWeb -Stream, elements' ($big.Count / $m.Json.seconds) 'elements/s'
            Add-Figure $s 'AsyncWeb -Stream, peak RSS' $m.RssMB 'MB'

            if ($peer) {
                $m = Invoke-Measured -Command '/bin/bash', '-c', $peer.Script, 'bash', $big.Url -Label $peer.Name -TimeoutSec 1800
                if ($m.Json.count -ne $big.Count) { $notes.Add("$($peer.Name) counted $($m.Json.count) elements, expected $($big.Count)") }
                Add-Figure $s 'peer' ($big.MiB / $m.Wall) 'MiB/s'
                Add-Figure $s 'peer, peak RSS' $m.RssMB 'MB'
            }

            # The smaller array: Invoke-RestMethod holds the body and every object; AsyncWeb reads each ContentObject.
            $m = Invoke-Child 'Invoke-RestMethod' @{ Mode = 'RestMethodArray'; Uri = $small.Url } -TimeoutSec 1800
            Confirm-Clean 'Invoke-RestMethod (scenario 14)' $m $small.Count
            Add-Figure $s 'Invoke-RestMethod, small' ($small.MiB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'Invoke-RestMethod, small, peak RSS' $m.RssMB 'MB'

            $m = Invoke-Child 'AsyncWeb -Stream, ContentObject read' @{ Mode = 'StreamArray'; ModulePath = $moduleManifest; Uri = $small.Url; Parse = $true } -TimeoutSec 1800
            Confirm-Clean 'AsyncWeb -Stream with ContentObject (scenario 14)' $m $small.Count
            Add-Figure $s 'AsyncWeb -Stream, ContentObject read, small' ($small.MiB / $m.Json.seconds) 'MiB/s'
            Add-Figure $s 'AsyncWeb -Stream, ContentObject read, small, peak RSS' $m.RssMB 'MB'
        }
    }
    Rows   = {
        $s = $spec.Title
        $bigMiB = Format-Figure ($counts.ArrayBytes / 1MB)
        $smallMiB = Format-Figure ($counts.SmallArrayBytes / 1MB)
        $aw = Get-Figure $s 'AsyncWeb -Stream'
        New-Row $s "AsyncWeb -Stream -StreamFormat JsonArray piped to Measure-Object, $bigMiB MiB ($(Format-Figure (Get-Figure $s 'AsyncWeb -Stream, elements')) elements/s)" $aw 'MiB/s'
        $peer = Get-Figure $s 'peer'
        if (-not [double]::IsNaN($peer)) {
            New-Row $s 'curl -N piped to jq -c .[] (or ijson), counted' $peer 'MiB/s' ($aw / $peer) '≥ 1.0×' ($aw / $peer -ge 1.0)
        }

        $idle = Get-Figure $s 'idle pwsh with AsyncWeb imported, peak RSS'
        $awRss = Get-Figure $s 'AsyncWeb -Stream, peak RSS'
        New-Row $s 'idle pwsh with AsyncWeb imported, peak RSS' $idle 'MB'
        New-Row $s "AsyncWeb -Stream, $bigMiB MiB, peak RSS (ratio column: above idle)" $awRss 'MB' ($awRss - $idle) "≤ idle + 64 MB ($(Format-Figure ($idle + 64)) MB)" ($awRss -le $idle + 64) ' MB'
        if (-not [double]::IsNaN($peer)) { New-Row $s "curl -N piped to jq (or ijson), $bigMiB MiB, peak RSS" (Get-Figure $s 'peer, peak RSS') 'MB' }

        $irm = Get-Figure $s 'Invoke-RestMethod, small'
        $parsed = Get-Figure $s 'AsyncWeb -Stream, ContentObject read, small'
        New-Row $s "Invoke-RestMethod piped to Measure-Object, $smallMiB MiB" $irm 'MiB/s'
        New-Row $s "AsyncWeb -Stream, ContentObject read, $smallMiB MiB (info; ratio: over Invoke-RestMethod)" $parsed 'MiB/s' ($parsed / $irm)
        New-Row $s "Invoke-RestMethod, $smallMiB MiB, peak RSS" (Get-Figure $s 'Invoke-RestMethod, small, peak RSS') 'MB'
        New-Row $s "AsyncWeb -Stream, ContentObject read, $smallMiB MiB, peak RSS" (Get-Figure $s 'AsyncWeb -Stream, ContentObject read, small, peak RSS') 'MB'
    }
}
