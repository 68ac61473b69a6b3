# The combination soak: each seed draws one batch mixing -Ordered, pages, -MaximumBufferSize, a journal with a kill
# and re-run, retries with Retry-After and host pauses, -AdaptiveThrottle, -TotalTimeoutSec, cancellation and
# downloads, -Stream, -Resolve/-ConnectTo, per-item proxies and traces, against the test server's fault injection
# (tests/TestServer/SoakEndpoints.cs), and checks the invariants of tests/Soak/SoakCheck*.ps1. A failing seed names itself; replay it with
# $env:ASYNCWEB_SOAK_SEED = '175' (a comma list runs several). ./build.ps1 Soak -Seconds N runs new seeds for N s.

BeforeDiscovery {
    # A fixed mix that covers every kind of batch (pages by link, number and body link; downloads with -Resume; a
    # journal killed and re-run with changed input; Select-Object -First; Stop; -TotalTimeoutSec with host pauses;
    # streams of every format, cut, too large, endless under Stop, and under a journal kill with pins; pins and
    # per-item proxies; traces given, on and off).
    $script:seeds = if ($env:ASYNCWEB_SOAK_SEED) { [int[]]($env:ASYNCWEB_SOAK_SEED -split '[,\s]+' | Where-Object { $_ }) }
    elseif ($env:ASYNCWEB_LOAD_NETSTANDARD -eq '1') { 12, 24 }   # the netstandard2.0 pass: a small slice
    else { 3, 12, 24, 44, 97, 175, 189, 441, 149549, 862190, 862326 }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../out/AsyncWeb') -Force
    Import-Module (Join-Path $PSScriptRoot 'Soak/Soak.psm1') -Force
    $script:server = Get-TestServer
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../out/AsyncWeb')).ProviderPath
}

AfterAll {
    Close-SoakRunspace
}

Describe 'Random combinations against a server that injects faults' -Tag 'Soak' {
    It 'seed <_> keeps every invariant: it ends, one outcome per page, counts add up, whole files, no temp file, no secret, stream units in order, a span per attempt, pinned names as Host' -ForEach $seeds {
        $result = Invoke-SoakSeed -Seed $_ -Server $server -ModulePath $modulePath
        $seed = $_
        @($result.Problems | ForEach-Object { "seed $($seed): $_" }) | Should -BeNullOrEmpty -Because "the batch drawn was $($result.Plan)"
    }
}
