<#
.SYNOPSIS
    AUP Kiosk: blocks, for every standard account on this PC, the keys Windows handles before any app
    (Ctrl+Alt+Del, Task Manager, Alt+Tab, the Windows key and Win+L, the Start menu), with Keyboard Filter.

.DESCRIPTION
    Keyboard Filter is part of Windows 10/11 Enterprise and Education (and IoT Enterprise). Its rules are
    machine-wide and set through WMI: the WEKF_PredefinedKey class in root\standardcimv2\embedded.
    Administrators are not filtered (WEKF_Settings DisableKeyboardFilterForAdministrators, set to true
    here), so a technician at the keyboard keeps Ctrl+Alt+Del.

    Run it as an administrator or as SYSTEM: an Intune platform script, a Configuration Manager package,
    or by hand in an elevated PowerShell. It uses only cmdlets (no .NET types, no Add-Type), so it runs
    under WDAC/AppLocker script enforcement once it is allowed there (sign it with the district's
    code-signing certificate: Set-AuthenticodeSignature).

    If the Keyboard Filter feature is off, the script turns it on and exits with 3010 ("restart
    required", which Intune and Configuration Manager understand): run it again after the restart.

    The key names are Keyboard Filter's own predefined ones; the list is electron/core/shell/shortcut-filter.ts
    OS_RESERVED (a test keeps the two the same).

.PARAMETER Unblock
    Turns the same keys back on (Keyboard Filter stays installed).

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File keyboard-filter.ps1
#>
[CmdletBinding()]
param([switch]$Unblock)

$ErrorActionPreference = 'Stop'
$Namespace = 'root\standardcimv2\embedded'
$Keys = @(
    'Ctrl+Alt+Del',
    'Shift+Ctrl+Esc',
    'Alt+Tab',
    'Windows',
    'Win+D',
    'Win+R',
    'Win+Tab',
    'Win+L',
    'Ctrl+Esc'
)

$feature = Get-WindowsOptionalFeature -Online -FeatureName Client-KeyboardFilter
if ($feature.State -ne 'Enabled') {
    Enable-WindowsOptionalFeature -Online -FeatureName Client-KeyboardFilter -All -NoRestart | Out-Null
    Write-Output 'AUP Kiosk: Keyboard Filter was turned on. Restart this PC, then run this script again.'
    exit 3010
}

$block = -not $Unblock.IsPresent
$missing = @()
foreach ($id in $Keys) {
    $key = Get-CimInstance -Namespace $Namespace -ClassName WEKF_PredefinedKey -Filter "Id='$id'"
    if ($null -eq $key) { $missing += $id; continue }
    Set-CimInstance -InputObject $key -Property @{ Enabled = $block }
}

$admins = Get-CimInstance -Namespace $Namespace -ClassName WEKF_Settings -Filter "Name='DisableKeyboardFilterForAdministrators'"
if ($null -ne $admins) { Set-CimInstance -InputObject $admins -Property @{ Value = 'true' } }

Set-Service -Name MsKeyboardFilter -StartupType Automatic
Start-Service -Name MsKeyboardFilter

$verb = if ($block) { 'blocked' } else { 'unblocked' }
Write-Output "AUP Kiosk: Keyboard Filter $verb for standard accounts: $(($Keys | Where-Object { $missing -notcontains $_ }) -join ', ')"
if ($missing.Count -gt 0) {
    Write-Error "AUP Kiosk: this Windows has no Keyboard Filter key named: $($missing -join ', ')"
    exit 1
}
exit 0
