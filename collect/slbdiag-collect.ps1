<#
slbdiag-collect.ps1 - collects, into one file, the host facts slbdiag reads
(interfaces, weak host settings, addresses, routes, listeners, firewall,
HTTP.sys, IIS) and optionally a bounded packet capture. It only reads the
host's configuration; it changes no setting.

Runs on Windows PowerShell 2.0 to 5.1 (Windows Server 2008 R2 to 2022) with
nothing installed, from an elevated prompt:

  powershell -NoProfile -ExecutionPolicy Bypass -File slbdiag-collect.ps1 -Vip 192.0.2.10 [-Port 443] [-CaptureSeconds 60]

It writes slbdiag-facts-HOST-TIME.txt (UTF-8 with BOM) in -OutDir (default:
the current directory). Give that file to slbdiag:

  slbdiag doctor --vip 192.0.2.10 --host-facts slbdiag-facts-HOST-TIME.txt

-ReplayDir DIR reads recorded outputs instead of querying the host: NAME.txt
for a command's output, NAME.xml (Export-Clixml) for an object source.
The file format is described in slbdiag's docs/FACTSFILE.md.
#>
param(
    [string]$Vip = '',
    [string]$Port = '443',
    [int]$CaptureSeconds = 0,
    [string]$OutDir = '',
    [string]$ReplayDir = ''
)

$ScriptVersion = '2'
$FormatVersion = '1'
$ErrorActionPreference = 'Stop'

$script:failed = @()
$script:hostAddrs = @()
$script:outFile = ''
$script:etl = ''

function Stop-Usage([string]$Message) {
    [Console]::Error.WriteLine('slbdiag-collect: ' + $Message)
    exit 2
}

# TryParse takes "10" for 0.0.0.10: an IPv4 VIP must read back as given.
$vipAddr = $null
if ($Vip -eq '' -or -not [Net.IPAddress]::TryParse($Vip, [ref]$vipAddr) -or (-not $Vip.Contains(':') -and $vipAddr.ToString() -ne $Vip)) {
    Stop-Usage ('-Vip must be the load balancer''s VIP, an IP address (got "' + $Vip + '")')
}
$ports = @()
foreach ($p in $Port.Split(',')) {
    $n = 0
    if (-not [int]::TryParse($p.Trim(), [ref]$n) -or $n -lt 1 -or $n -gt 65535) {
        Stop-Usage ('-Port must be a list of TCP ports, e.g. 443,8443 (got "' + $Port + '")')
    }
    $ports += $n
}
if ($CaptureSeconds -lt 0 -or $CaptureSeconds -gt 300) {
    Stop-Usage '-CaptureSeconds must be between 0 (no capture) and 300'
}
if ($ReplayDir -ne '' -and -not (Test-Path -LiteralPath $ReplayDir -PathType Container)) {
    Stop-Usage ('-ReplayDir ' + $ReplayDir + ' is not a directory')
}
if ($OutDir -eq '') { $OutDir = (Get-Location).ProviderPath }
if (-not (Test-Path -LiteralPath $OutDir -PathType Container)) { Stop-Usage ('-OutDir ' + $OutDir + ' is not a directory') }

# Enc percent-encodes a value as UTF-8: a fact line holds no space, no
# '=' and no character outside ASCII, whatever the host's language.
function Enc($Value) {
    if ($Value -eq $null) { return '' }
    $s = [string]$Value
    if ($s -eq '') { return '' }
    return [Uri]::EscapeDataString($s)
}

# Write-Out appends text to the output file as UTF-8 (the BOM was written
# with the header), so that a collection cut short leaves what it had.
function Write-Out([string]$Text) {
    [IO.File]::AppendAllText($script:outFile, $Text, (New-Object Text.UTF8Encoding $false))
}

function Add-Fact([string]$Kind, [object[]]$Pairs) {
    $line = $Kind
    for ($i = 0; $i + 1 -lt $Pairs.Count; $i += 2) {
        $line += ' ' + $Pairs[$i] + '=' + (Enc $Pairs[$i + 1])
    }
    Write-Out ($line + "`r`n")
}

# Invoke-Step runs one step; a step that fails is named in an unread fact
# and in the footer, and the collection goes on.
function Invoke-Step([string]$Name, [scriptblock]$Body) {
    try {
        & $Body
    } catch {
        $script:failed += $Name
        Add-Fact 'unread' @('step', $Name, 'reason', $_.Exception.Message)
    }
}

function Get-ReplayName([string]$Command) {
    return ($Command -replace '[^A-Za-z0-9]+', '_').Trim('_')
}

# Test-Source says whether the host has a command, by asking for it (or,
# in replay, whether it was recorded): never by version number.
function Test-Source([string]$Name, [string]$Command) {
    if ($ReplayDir -ne '') {
        return (Test-Path -LiteralPath (Join-Path $ReplayDir ($Name + '.xml')))
    }
    return ($null -ne (Get-Command $Command -ErrorAction SilentlyContinue))
}

# Get-Source returns the objects a query gives, or those recorded with it.
function Get-Source([string]$Name, [scriptblock]$Live) {
    if ($ReplayDir -ne '') {
        $p = Join-Path $ReplayDir ($Name + '.xml')
        if (-not (Test-Path -LiteralPath $p)) { throw ('no recorded ' + $Name + ' in ' + $ReplayDir) }
        return Import-Clixml -Path $p # -LiteralPath is PowerShell 3.0
    }
    return & $Live
}

# Invoke-Native runs a command line through cmd.exe and returns its
# output as one string, decoded from the console's code page.
function Invoke-Native([string]$CommandLine) {
    if ($ReplayDir -ne '') {
        $p = Join-Path $ReplayDir ((Get-ReplayName $CommandLine) + '.txt')
        if (-not (Test-Path -LiteralPath $p)) { throw ('no recorded output of ' + $CommandLine) }
        return [IO.File]::ReadAllText($p, [Text.Encoding]::UTF8)
    }
    $lines = & cmd.exe /d /c ($CommandLine + ' 2>&1')
    return (($lines | ForEach-Object { [string]$_ }) -join "`r`n")
}

# Write-Raw writes a command's output behind a prompt line, as a console
# shows it, for a person to read and for slbdiag to check the facts with.
function Write-Raw([string]$Shown, [string]$Text) {
    Write-Out ('PS slbdiag> ' + $Shown + "`r`n" + $Text.TrimEnd() + "`r`n`r`n")
}

# Invoke-Raw runs a command and writes its output behind its prompt line;
# a command that cannot run leaves its error there and is named in the
# footer (the outputs section holds no fact lines).
function Invoke-Raw([string]$CommandLine) {
    try {
        $text = Invoke-Native $CommandLine
    } catch {
        $script:failed += ('raw ' + $CommandLine)
        $text = 'slbdiag-collect: ' + $_.Exception.Message
    }
    Write-Raw $CommandLine $text
    return $text
}

# --- header -----------------------------------------------------------

# Times in the invariant culture: a Thai host counts years in the Buddhist
# era, a Finnish one separates hours with dots.
$now = (Get-Date).ToUniversalTime()
$inv = [Globalization.CultureInfo]::InvariantCulture
$hostName = $env:COMPUTERNAME
$safeHost = ($hostName -replace '[^A-Za-z0-9_-]', '_')
$script:base = 'slbdiag-facts-' + $safeHost + '-' + $now.ToString('yyyyMMdd-HHmmss', $inv)
$script:outFile = Join-Path $OutDir ($script:base + '.txt')
if (Test-Path -LiteralPath $script:outFile) { Stop-Usage ($script:outFile + ' exists already: not written over') }

$elevated = $false
try {
    $id = [Security.Principal.WindowsIdentity]::GetCurrent()
    $elevated = (New-Object Security.Principal.WindowsPrincipal $id).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
} catch { }
$yesNo = @{ $true = 'yes'; $false = 'no' }
$enDis = @{ $true = 'enabled'; $false = 'disabled' }

$head = 'slbdiag-collect/' + $FormatVersion + ' script=slbdiag-collect.ps1 version=' + $ScriptVersion + "`r`n"
[IO.File]::WriteAllText($script:outFile, $head, (New-Object Text.UTF8Encoding $true))
Add-Fact 'header' @('host', $hostName, 'time', $now.ToString('yyyy-MM-ddTHH:mm:ssZ', $inv),
    'os_build', [string][Environment]::OSVersion.Version, 'powershell', [string]$PSVersionTable.PSVersion,
    'locale', (Get-Culture).Name, 'ui_locale', (Get-UICulture).Name,
    'oem_cp', [Console]::OutputEncoding.CodePage, 'ansi_cp', [Text.Encoding]::Default.CodePage,
    'elevated', $yesNo[[bool]$elevated], 'vip', $Vip, 'ports', ($ports -join ','),
    'capture_seconds', $CaptureSeconds, 'replay', $yesNo[$ReplayDir -ne ''])
if (-not $elevated) {
    [Console]::Error.WriteLine('slbdiag-collect: warning: not elevated: run from "Run as administrator" for the firewall, HTTP.sys and capture facts')
}

# --- facts ------------------------------------------------------------

Write-Out "facts-begin`r`n"
$v = [Environment]::OSVersion.Version
Add-Fact 'os' @('name', 'windows', 'version', ([string]$v.Major + '.' + $v.Minor + '.' + $v.Build))

function Get-ComponentIds {
    # GUID -> ComponentId (*msloop for the KM-TEST loopback adapter), from
    # the network adapter class key: the same in every language.
    $map = @{}
    $class = 'HKLM:\SYSTEM\CurrentControlSet\Control\Class\{4d36e972-e325-11ce-bfc1-08002be10318}'
    foreach ($k in (Get-ChildItem -LiteralPath $class -ErrorAction SilentlyContinue)) {
        $p = Get-ItemProperty -LiteralPath $k.PSPath -ErrorAction SilentlyContinue
        if ($p -ne $null -and $p.NetCfgInstanceId -ne $null -and $p.ComponentId -ne $null) {
            $map[([string]$p.NetCfgInstanceId).ToLower()] = [string]$p.ComponentId
        }
    }
    return $map
}

function Add-NetCmdletFacts {
    $adapters = @{}
    if (Test-Source 'Get-NetAdapter' 'Get-NetAdapter') {
        foreach ($a in (Get-Source 'Get-NetAdapter' { Get-NetAdapter -IncludeHidden })) {
            $adapters[[int]$a.ifIndex] = $a
        }
    }
    $seen = @{}
    foreach ($i in (Get-Source 'Get-NetIPInterface' { Get-NetIPInterface })) {
        $idx = [int]$i.ifIndex
        if (-not $seen.ContainsKey($idx)) {
            $seen[$idx] = $true
            $desc = ''; $comp = ''; $mac = ''
            if ($adapters.ContainsKey($idx)) {
                $a = $adapters[$idx]
                $desc = $a.InterfaceDescription; $comp = $a.ComponentID; $mac = $a.MacAddress
            }
            $down = $yesNo[[string]$i.ConnectionState -eq 'Disconnected']
            Add-Fact 'iface' @('idx', $idx, 'name', $i.InterfaceAlias, 'desc', $desc, 'component', $comp, 'mac', $mac, 'down', $down)
        }
        Add-Fact 'hostmodel' @('idx', $idx, 'family', ([string]$i.AddressFamily).ToLower(),
            'send', ([string]$i.WeakHostSend).ToLower(), 'receive', ([string]$i.WeakHostReceive).ToLower())
    }
    Add-Fact 'read' @('what', 'hostmodel')
    if (-not (Test-Source 'Get-NetIPAddress' 'Get-NetIPAddress')) { throw 'no Get-NetIPAddress beside Get-NetIPInterface' }
    foreach ($a in (Get-Source 'Get-NetIPAddress' { Get-NetIPAddress })) {
        $ip = ([string]$a.IPAddress).Split('%')[0]
        Add-Fact 'addr' @('idx', [int]$a.InterfaceIndex, 'prefix', ($ip + '/' + [string]$a.PrefixLength))
        $script:hostAddrs += $ip
    }
    Add-Fact 'read' @('what', 'addresses')
    if (-not (Test-Source 'Get-NetRoute' 'Get-NetRoute')) { throw 'no Get-NetRoute beside Get-NetIPInterface' }
    foreach ($r in (Get-Source 'Get-NetRoute' { Get-NetRoute -ErrorAction SilentlyContinue })) {
        $d = [string]$r.DestinationPrefix
        if ($d -eq '0.0.0.0/0' -or $d -eq '::/0') {
            Add-Fact 'route' @('idx', [int]$r.ifIndex, 'prefix', $d, 'nexthop', [string]$r.NextHop)
        }
    }
    Add-Fact 'read' @('what', 'routes')
}

# Weak host settings through GetIpInterfaceEntry (iphlpapi, Vista and
# later): MIB_IPINTERFACE_ROW has Family at 0, InterfaceIndex at 16 and the
# WeakHostSend and WeakHostReceive BOOLEANs at 42 and 43 on 32 and 64 bit.
$weakHostApi = @'
using System;
using System.Runtime.InteropServices;
public static class SlbdiagIpInterface {
    [DllImport("iphlpapi.dll")]
    static extern int GetIpInterfaceEntry(IntPtr row);
    public static int Get(ushort family, uint index, out bool send, out bool receive) {
        IntPtr row = Marshal.AllocHGlobal(512);
        try {
            for (int i = 0; i < 512; i++) { Marshal.WriteByte(row, i, 0); }
            Marshal.WriteInt16(row, 0, (short)family);
            Marshal.WriteInt32(row, 16, (int)index);
            int rc = GetIpInterfaceEntry(row);
            send = Marshal.ReadByte(row, 42) != 0;
            receive = Marshal.ReadByte(row, 43) != 0;
            return rc;
        } finally {
            Marshal.FreeHGlobal(row);
        }
    }
}
'@

function Add-WmiFacts {
    $comps = Get-ComponentIds
    $indexes = @()
    foreach ($a in (Get-Source 'Win32_NetworkAdapter' { Get-WmiObject Win32_NetworkAdapter })) {
        if ($a.NetConnectionID -eq $null -or $a.InterfaceIndex -eq $null) { continue }
        $comp = ''
        if ($a.GUID -ne $null -and $comps.ContainsKey(([string]$a.GUID).ToLower())) { $comp = $comps[([string]$a.GUID).ToLower()] }
        # NetConnectionStatus 2 is connected; 0 disconnected, 7 media disconnected.
        $down = $yesNo[($a.NetConnectionStatus -eq 0 -or $a.NetConnectionStatus -eq 7)]
        Add-Fact 'iface' @('idx', [int]$a.InterfaceIndex, 'name', $a.NetConnectionID, 'desc', $a.Description,
            'component', $comp, 'mac', $a.MACAddress, 'down', $down)
        $indexes += [int]$a.InterfaceIndex
    }
    foreach ($c in (Get-Source 'Win32_NetworkAdapterConfiguration' { Get-WmiObject Win32_NetworkAdapterConfiguration -Filter 'IPEnabled=TRUE' })) {
        $ips = @($c.IPAddress); $subnets = @($c.IPSubnet)
        for ($i = 0; $i -lt $ips.Count; $i++) {
            if ($ips[$i] -eq $null) { continue }
            $bits = ''
            if ($i -lt $subnets.Count) { $bits = Get-PrefixLength ([string]$subnets[$i]) }
            Add-Fact 'addr' @('idx', [int]$c.InterfaceIndex, 'prefix', ([string]$ips[$i] + '/' + $bits))
            $script:hostAddrs += [string]$ips[$i]
        }
        foreach ($g in @($c.DefaultIPGateway)) {
            if ($g -eq $null) { continue }
            $pfx = '0.0.0.0/0'
            if (([string]$g).Contains(':')) { $pfx = '::/0' }
            Add-Fact 'route' @('idx', [int]$c.InterfaceIndex, 'prefix', $pfx, 'nexthop', [string]$g)
        }
    }
    Add-Fact 'read' @('what', 'addresses')
    Add-Fact 'read' @('what', 'routes')
    Invoke-Step 'hostmodel' {
        if ($ReplayDir -ne '') { throw 'the weak host API is not replayed: read from the netsh outputs' }
        Add-Type -TypeDefinition $weakHostApi
        foreach ($idx in $indexes) {
            foreach ($fam in @(@('ipv4', 2), @('ipv6', 23))) {
                $send = $false; $recv = $false
                if ([SlbdiagIpInterface]::Get([uint16]$fam[1], [uint32]$idx, [ref]$send, [ref]$recv) -eq 0) {
                    Add-Fact 'hostmodel' @('idx', $idx, 'family', $fam[0], 'send', $enDis[$send], 'receive', $enDis[$recv])
                }
            }
        }
        Add-Fact 'read' @('what', 'hostmodel')
    }
}
# Get-PrefixLength turns WMI's IPSubnet (255.255.255.0, or 64 for IPv6)
# into a prefix length.
function Get-PrefixLength([string]$Subnet) {
    $n = 0
    if ([int]::TryParse($Subnet, [ref]$n)) { return [string]$n }
    $m = $null
    if (-not [Net.IPAddress]::TryParse($Subnet, [ref]$m)) { return '' }
    $bits = 0
    foreach ($b in $m.GetAddressBytes()) {
        # No -shl before PowerShell 3.0: the bits' values, spelled out.
        foreach ($bit in @(128, 64, 32, 16, 8, 4, 2, 1)) { if (($b -band $bit) -ne 0) { $bits++ } }
    }
    return [string]$bits
}

Invoke-Step 'interfaces' {
    if (Test-Source 'Get-NetIPInterface' 'Get-NetIPInterface') { Add-NetCmdletFacts } else { Add-WmiFacts }
}

Invoke-Step 'listeners' {
    $ls = Get-Source 'TcpListeners' { [Net.NetworkInformation.IPGlobalProperties]::GetIPGlobalProperties().GetActiveTcpListeners() }
    foreach ($l in $ls) {
        Add-Fact 'listen' @('ip', ([string]$l.Address).Split('%')[0], 'port', [int]$l.Port)
    }
    Add-Fact 'read' @('what', 'listeners')
}

# Windows Firewall through its COM API (every release, and much faster
# than Get-NetFirewallRule): the profiles, and the inbound TCP rules that
# cover the ports.
Invoke-Step 'firewall' {
    $profiles = Get-Source 'FirewallProfiles' {
        $fw = New-Object -ComObject HNetCfg.FwPolicy2
        foreach ($pr in @(@('Domain', 1), @('Private', 2), @('Public', 4))) {
            $o = New-Object PSObject
            $o | Add-Member NoteProperty Name $pr[0]
            $o | Add-Member NoteProperty On ([bool]$fw.FirewallEnabled($pr[1]))
            $o
        }
    }
    foreach ($o in $profiles) { Add-Fact 'fwprofile' @('name', $o.Name, 'on', $yesNo[[bool]$o.On]) }
    Add-Fact 'read' @('what', 'firewall')
    $rules = Get-Source 'FirewallRules' { (New-Object -ComObject HNetCfg.FwPolicy2).Rules }
    $n = 0
    foreach ($r in $rules) {
        if ($r.Protocol -ne 6 -or $r.Direction -ne 1) { continue }
        if (-not (Test-PortCovered ([string]$r.LocalPorts))) { continue }
        $n++
        if ($n -gt 200) { Add-Fact 'unread' @('step', 'firewall rules', 'reason', 'more than 200 rules cover the ports'); break }
        $action = 'block'
        if ($r.Action -eq 1) { $action = 'allow' }
        Add-Fact 'fwrule' @('name', $r.Name, 'enabled', $yesNo[[bool]$r.Enabled], 'action', $action,
            'profiles', [int]$r.Profiles, 'ports', $r.LocalPorts, 'local', $r.LocalAddresses,
            'remote', $r.RemoteAddresses, 'program', $r.ApplicationName)
    }
}

# Test-PortCovered says whether a rule's LocalPorts (*, 443, 80,443,
# 8000-8100) covers one of the ports.
function Test-PortCovered([string]$LocalPorts) {
    if ($LocalPorts -eq '' -or $LocalPorts -eq '*') { return $true }
    foreach ($part in $LocalPorts.Split(',')) {
        $lo = 0; $hi = 0
        $r = $part.Trim().Split('-')
        if (-not [int]::TryParse($r[0], [ref]$lo)) { continue }
        $hi = $lo
        if ($r.Count -gt 1) { [void][int]::TryParse($r[1], [ref]$hi) }
        foreach ($p in $ports) { if ($p -ge $lo -and $p -le $hi) { return $true } }
    }
    return $false
}

# HTTP.sys from the registry: the IP listen list (empty: all addresses)
# and the certificate bindings by IP, by host name (SNI) and the central
# certificate store.
Invoke-Step 'httpsys' {
    $params = 'HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters'
    $list = Get-Source 'ListenOnlyList' {
        $p = Get-ItemProperty -LiteralPath $params -ErrorAction SilentlyContinue
        if ($p -ne $null -and $p.ListenOnlyList -ne $null) { @($p.ListenOnlyList) }
    }
    foreach ($a in @($list)) { if ($a -ne $null -and [string]$a -ne '') { Add-Fact 'iplisten' @('addr', [string]$a) } }
    Add-Fact 'read' @('what', 'iplisten')
    $certs = Get-Source 'SslBindings' {
        foreach ($kind in @(@('ipport', 'SslBindingInfo'), @('host', 'SslSniBindingInfo'), @('ccs', 'SslCcsBindingInfo'))) {
            foreach ($k in (Get-ChildItem -LiteralPath (Join-Path $params $kind[1]) -ErrorAction SilentlyContinue)) {
                $hash = ''
                $p = Get-ItemProperty -LiteralPath $k.PSPath -ErrorAction SilentlyContinue
                if ($p -ne $null -and $p.SslCertHash -ne $null) {
                    foreach ($b in $p.SslCertHash) { $hash += ([byte]$b).ToString('x2') }
                }
                $o = New-Object PSObject
                $o | Add-Member NoteProperty Kind $kind[0]
                $o | Add-Member NoteProperty Key $k.PSChildName
                $o | Add-Member NoteProperty Hash $hash
                $o
            }
        }
    }
    foreach ($c in @($certs)) { if ($c -ne $null) { Add-Fact 'sslcert' @($c.Kind, $c.Key, 'hash', $c.Hash) } }
    Add-Fact 'read' @('what', 'ssl')
}

# IIS from applicationHost.config, read as XML: no WebAdministration
# module needed. Sysnative reaches the 64-bit System32 from a 32-bit prompt.
function Get-IisConfigPath {
    foreach ($d in @('Sysnative', 'System32')) {
        $p = Join-Path $env:windir ($d + '\inetsrv\config\applicationHost.config')
        if (Test-Path -LiteralPath $p) { return $p }
    }
    return ''
}
Invoke-Step 'iis' {
    $sites = Get-Source 'IisSites' {
        $path = Get-IisConfigPath
        if ($path -ne '') {
            $x = New-Object Xml.XmlDocument
            $x.Load($path)
            foreach ($s in $x.SelectNodes('/configuration/system.applicationHost/sites/site')) {
                $o = New-Object PSObject
                $o | Add-Member NoteProperty Id $s.GetAttribute('id')
                $o | Add-Member NoteProperty Name $s.GetAttribute('name')
                $bs = @()
                foreach ($b in $s.SelectNodes('bindings/binding')) { $bs += ($b.GetAttribute('protocol') + '/' + $b.GetAttribute('bindingInformation')) }
                $o | Add-Member NoteProperty Bindings $bs
                $o
            }
        }
    }
    if ((Get-IisConfigPath) -ne '' -or $ReplayDir -ne '') {
        foreach ($s in @($sites)) {
            if ($s -eq $null) { continue }
            Add-Fact 'site' @('id', $s.Id, 'name', $s.Name)
            foreach ($b in @($s.Bindings)) { if ($b -ne $null) { Add-Fact 'binding' @('site', $s.Id, 'binding', $b) } }
        }
        Add-Fact 'read' @('what', 'sites')
    }
}

Write-Out "facts-end`r`n"

# --- raw outputs ------------------------------------------------------

Write-Out "outputs-begin`r`n"
[void](Invoke-Raw 'ver')
foreach ($fam in @('ipv4', 'ipv6')) {
    $list = Invoke-Raw ('netsh interface ' + $fam + ' show interfaces')
    # The interface indexes are the first column of the rows under the
    # rule of dashes, whatever the language of the headers.
    foreach ($line in $list.Split("`n")) {
        if ($line -match '^\s*(\d+)\s+\d+\s') {
            [void](Invoke-Raw ('netsh interface ' + $fam + ' show interface ' + $matches[1]))
        }
    }
}
[void](Invoke-Raw 'ipconfig /all')
if (Test-Source 'Get-NetIPInterface' 'Get-NetIPInterface') {
    $shown = 'Get-NetIPInterface | Format-List ifIndex,InterfaceAlias,AddressFamily,WeakHostSend,WeakHostReceive'
    try {
        $text = (Get-Source 'Get-NetIPInterface' { Get-NetIPInterface }) | Format-List -Property @('ifIndex', 'InterfaceAlias', 'AddressFamily', 'WeakHostSend', 'WeakHostReceive') | Out-String -Width 4096
    } catch {
        $script:failed += ('raw ' + $shown)
        $text = 'slbdiag-collect: ' + $_.Exception.Message
    }
    Write-Raw $shown $text
}
[void](Invoke-Raw 'netsh http show sslcert')
[void](Invoke-Raw 'netsh http show iplisten')
[void](Invoke-Raw 'netsh advfirewall show allprofiles state')
[void](Invoke-Raw 'netsh advfirewall firewall show rule name=all dir=in verbose')
if ($ReplayDir -ne '' -or (Test-Path -LiteralPath (Join-Path $env:windir 'system32\inetsrv\appcmd.exe'))) {
    [void](Invoke-Raw '%windir%\system32\inetsrv\appcmd.exe list site')
}

# --- capture ----------------------------------------------------------

# Invoke-Quiet runs netsh for the capture; it is judged by its exit code
# and the files it leaves, as its messages are translated.
function Invoke-Quiet([string]$CommandLine) {
    $null = & cmd.exe /d /c ($CommandLine + ' >nul 2>&1')
    return $LASTEXITCODE
}

function Invoke-Capture {
    if (-not $elevated) { throw 'netsh trace needs an elevated prompt' }
    $filter = 'Ethernet.Type=IPv4 Protocol=TCP IPv4.Address='
    if ($Vip.Contains(':')) { $filter = 'Ethernet.Type=IPv6 Protocol=TCP IPv6.Address=' }
    $addrs = @($Vip)
    foreach ($a in $script:hostAddrs) {
        if ($a.Contains(':') -eq $Vip.Contains(':') -and $a -ne $Vip -and -not $a.StartsWith('127.') -and -not $a.StartsWith('fe80') -and $a -ne '::1') { $addrs += $a }
    }
    $filter += '(' + ($addrs -join ',') + ')'
    $probe = Join-Path $OutDir ($script:base + '-probe.etl')
    $etl = Join-Path $OutDir ($script:base + '.etl')
    # A throw-away first run, as netsh often collects nothing on its first;
    # it also tells which flags this build takes: report=disabled from
    # 2012 R2 on, report=no before.
    $flags = $null
    foreach ($f in @('report=disabled correlation=disabled', 'report=no correlation=no')) {
        if ((Invoke-Quiet ('netsh trace start capture=yes ' + $f + ' persistent=no overwrite=yes maxsize=1 tracefile="' + $probe + '"')) -eq 0) {
            $flags = $f
            [void](Invoke-Quiet 'netsh trace stop')
            break
        }
    }
    if ($flags -eq $null) { throw 'netsh trace start failed with the flags of every build' }
    $running = $false
    try {
        $rc = Invoke-Quiet ('netsh trace start capture=yes ' + $flags + ' persistent=no overwrite=yes filemode=circular maxsize=256 ' + $filter + ' tracefile="' + $etl + '"')
        if ($rc -ne 0) { throw ('netsh trace start exited ' + $rc) }
        $running = $true
        Write-Host ('Capturing for ' + $CaptureSeconds + ' s. If this window is closed first, run: netsh trace stop')
        Start-Sleep -Seconds $CaptureSeconds
    } finally {
        if ($running) {
            Write-Host 'Stopping the capture (this can take minutes on older releases; do not close the window)...'
            [void](Invoke-Quiet 'netsh trace stop')
        }
        foreach ($f in @($probe, ($script:base + '-probe.cab'), ($script:base + '.cab'))) {
            $p = $f
            if (-not [IO.Path]::IsPathRooted($p)) { $p = Join-Path $OutDir $p }
            if (Test-Path -LiteralPath $p) { Remove-Item -LiteralPath $p -Force }
        }
    }
    if (-not (Test-Path -LiteralPath $etl)) { throw 'netsh trace wrote no .etl' }
    $script:etl = $etl
}

if ($CaptureSeconds -gt 0) {
    if ($ReplayDir -ne '') {
        $script:failed += 'capture'
    } else {
        try { Invoke-Capture } catch { $script:failed += 'capture'; [Console]::Error.WriteLine('slbdiag-collect: capture: ' + $_.Exception.Message) }
    }
}

# --- footer -----------------------------------------------------------

$failedList = @()
foreach ($f in $script:failed) { $failedList += (Enc $f) }
Write-Out ('slbdiag-collect-end status=complete failed=' + ($failedList -join ',') + ' etl=' + (Enc $script:etl) + "`r`n")
Write-Host ('Wrote ' + $script:outFile)
if ($script:etl -ne '') { Write-Host ('Capture: ' + $script:etl) }
if ($script:failed.Count -gt 0) { Write-Host ('Steps that failed: ' + ($script:failed -join '; ')) }
