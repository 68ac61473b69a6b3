#requires -Version 7.4
<#
.SYNOPSIS
    Writes the laid-out module's manifest: the source AsyncWeb.psd1 with the values only the build knows.
.DESCRIPTION
    Stamps ModuleVersion (Directory.Build.props' Version), ProjectUri (its RepositoryUrl), LicenseUri
    (RepositoryUrl/blob/main/LICENSE) and ReleaseNotes (this version's section of CHANGELOG.md, shortened to
    the 10,000 characters the PowerShell Gallery accepts, with a link to the full notes when it is longer).

    Throws (and so fails the build) when CHANGELOG.md has no section for the version, or the source manifest
    lacks one of the stamped keys. The file is written as UTF-8 with a byte-order mark: Windows PowerShell
    5.1 reads a manifest without one as ANSI, and a release note's arrows or dashes would then turn into
    quote characters that end its string.
.EXAMPLE
    ./module/Write-Manifest.ps1 -Destination ./out/AsyncWeb/AsyncWeb.psd1 -Version 0.2.0 -RepositoryUrl https://github.com/asyncweb/AsyncWeb
#>
[CmdletBinding()]
param(
    # The manifest file to write.
    [Parameter(Mandatory)]
    [string] $Destination,

    [Parameter(Mandatory)]
    [string] $Version,

    # The repository's canonical web address (no trailing slash).
    [Parameter(Mandatory)]
    [string] $RepositoryUrl,

    [string] $Source = (Join-Path $PSScriptRoot '../AsyncWeb.psd1'),

    [string] $Changelog = (Join-Path $PSScriptRoot '../CHANGELOG.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# The PowerShell Gallery refuses longer release notes.
$maxReleaseNotes = 10000

function Get-ReleaseNote([string] $Path, [string] $Version, [string] $FullNotesUrl) {
    # The lines under "## <version>" (any suffix, such as "— unreleased") up to the next "## " heading.
    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $heading = '^##\s+\[?' + [regex]::Escape($Version) + '\]?(\s|$)'
    $start = -1
    $end = $lines.Count
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($start -lt 0) { if ($lines[$i] -match $heading) { $start = $i } }
        elseif ($lines[$i] -match '^##\s') { $end = $i; break }
    }

    if ($start -lt 0) {
        throw "$Path has no section for version $Version (a line '## $Version'): the manifest's ReleaseNotes come from it."
    }

    $body = if ($end -gt $start + 1) { $lines[($start + 1)..($end - 1)] } else { @() }
    $notes = ($body -join "`n").Trim()
    if (-not $notes) { throw "$Path's section for version $Version is empty." }
    if ($notes.Length -le $maxReleaseNotes) { return $notes }

    # Cut at a line end, leaving room for the pointer to the rest.
    $tail = "`n`n(Shortened to the $maxReleaseNotes characters the PowerShell Gallery accepts; the full notes: $FullNotesUrl)"
    $cut = $notes.LastIndexOf("`n", $maxReleaseNotes - $tail.Length)
    if ($cut -le 0) { $cut = $maxReleaseNotes - $tail.Length }
    return $notes.Substring(0, $cut).TrimEnd() + $tail
}

function Set-ManifestValue([string] $Text, [string] $Key, [string] $Value) {
    # The key's single-quoted value in the source, replaced; the value escaped as PowerShell would.
    $pattern = "(?m)^(?<lead>[ \t]*$Key[ \t]*=[ \t]*)'[^'\r\n]*'"
    $found = [regex]::Matches($Text, $pattern).Count
    if ($found -ne 1) { throw "The source manifest must hold exactly one $Key = '...' line to stamp (found $found)." }
    $escaped = [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($Value)
    return [regex]::Replace($Text, $pattern, { param($m) $m.Groups['lead'].Value + "'" + $escaped + "'" })
}

$uri = $null
if (-not [uri]::TryCreate($RepositoryUrl, [UriKind]::Absolute, [ref] $uri) -or $uri.Scheme -ne 'https') {
    throw "RepositoryUrl '$RepositoryUrl' is not an absolute https address."
}

$RepositoryUrl = $RepositoryUrl.TrimEnd('/')
$blob = "$RepositoryUrl/blob/main"
$text = Get-Content -Raw -LiteralPath $Source -Encoding utf8
$text = Set-ManifestValue $text 'ModuleVersion' $Version
$text = Set-ManifestValue $text 'ProjectUri' $RepositoryUrl
$text = Set-ManifestValue $text 'LicenseUri' "$blob/LICENSE"
$text = Set-ManifestValue $text 'ReleaseNotes' (Get-ReleaseNote $Changelog $Version "$blob/CHANGELOG.md")
[System.IO.File]::WriteAllText($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination), $text, [System.Text.UTF8Encoding]::new($true))
