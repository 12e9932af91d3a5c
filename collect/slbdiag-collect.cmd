@echo off
rem slbdiag-collect.cmd - the fallback for hosts without a usable PowerShell
rem (Server Core without it): collects the command outputs slbdiag reads
rem into one file. It only reads the host's configuration.
rem
rem   slbdiag-collect.cmd VIP [PORTS]
rem
rem cmd.exe cannot re-encode what netsh prints: the file is in the OEM code
rem page, named in its header (oem_cp), and slbdiag decodes it with it. The
rem facts block holds only what cmd.exe knows without translation; slbdiag
rem reads the rest from the outputs. The format is in docs/FACTSFILE.md.
setlocal EnableExtensions EnableDelayedExpansion
set "VIP=%~1"
set "PORTS=%~2"
if "%PORTS%"=="" set "PORTS=443"
if "%VIP%"=="" (
  echo slbdiag-collect: usage: slbdiag-collect.cmd VIP [PORTS] 1>&2
  exit /b 2
)
rem Only digits, dots, colons and hex letters make an address: nothing else
rem reaches a command line or the file. !VIP! is expanded after parsing, so
rem an argument such as "1&x" is checked, not run.
echo !VIP!| findstr /r /x "[0-9a-fA-F.:]*" >nul || (
  echo slbdiag-collect: the first argument is not an IP address 1>&2
  exit /b 2
)
echo !PORTS!| findstr /r /x "[0-9,]*" >nul || (
  echo slbdiag-collect: the ports must be a list such as 443,8443 1>&2
  exit /b 2
)

for /f "tokens=2 delims==." %%t in ('wmic os get LocalDateTime /value 2^>nul ^| find "="') do set "STAMP=%%t"
if "%STAMP%"=="" set "STAMP=unknown"
set "TIME14=%STAMP:~0,8%-%STAMP:~8,6%"
set "OUT=%CD%\slbdiag-facts-%COMPUTERNAME%-%TIME14%.txt"
if exist "%OUT%" (
  echo slbdiag-collect: %OUT% exists already: not written over 1>&2
  exit /b 2
)
set "OEMCP="
for /f "tokens=2 delims=:" %%c in ('chcp') do set "OEMCP=%%c"
set "OEMCP=%OEMCP: =%"
set "OEMCP=%OEMCP:.=%"
set "ANSICP="
for /f "tokens=3" %%c in ('reg query HKLM\SYSTEM\CurrentControlSet\Control\Nls\CodePage /v ACP 2^>nul ^| find "ACP"') do set "ANSICP=%%c"
set "ELEVATED=no"
net session >nul 2>&1 && set "ELEVATED=yes"
set "BUILD="
for /f "tokens=2 delims=[]" %%v in ('ver') do set "BUILD=%%v"
for /f "tokens=2" %%v in ("%BUILD%") do set "BUILD=%%v"
set "FAILED="

> "%OUT%" echo slbdiag-collect/1 script=slbdiag-collect.cmd version=2
>> "%OUT%" echo header host=%COMPUTERNAME% time=%STAMP% os_build=%BUILD% powershell= oem_cp=%OEMCP% ansi_cp=%ANSICP% elevated=%ELEVATED% vip=%VIP% ports=%PORTS% capture_seconds=0 replay=no
>> "%OUT%" echo facts-begin
>> "%OUT%" echo os name=windows
>> "%OUT%" echo unread step=facts reason=cmd.exe%%20collects%%20the%%20outputs%%20only
>> "%OUT%" echo facts-end
>> "%OUT%" echo outputs-begin

call :raw ver
call :raw netsh interface ipv4 show interfaces
for /f "tokens=1,2" %%i in ('netsh interface ipv4 show interfaces') do (
  echo %%i| findstr /r /x "[0-9]*" >nul && echo %%j| findstr /r /x "[0-9]*" >nul && call :raw netsh interface ipv4 show interface %%i
)
call :raw netsh interface ipv6 show interfaces
for /f "tokens=1,2" %%i in ('netsh interface ipv6 show interfaces') do (
  echo %%i| findstr /r /x "[0-9]*" >nul && echo %%j| findstr /r /x "[0-9]*" >nul && call :raw netsh interface ipv6 show interface %%i
)
call :raw ipconfig /all
call :raw netsh http show sslcert
call :raw netsh http show iplisten
call :raw netsh advfirewall show allprofiles state
call :raw netsh advfirewall firewall show rule name=all dir=in verbose
if exist "%windir%\system32\inetsrv\appcmd.exe" call :raw %%windir%%\system32\inetsrv\appcmd.exe list site

>> "%OUT%" echo slbdiag-collect-end status=complete failed=%FAILED% etl=
echo Wrote %OUT%
if not "%FAILED%"=="" echo Steps that failed: %FAILED%
exit /b 0

rem :raw runs one command and appends its output behind a prompt line;
rem a command that fails is named in the footer.
:raw
>> "%OUT%" echo C:\slbdiag^>%*
%* >> "%OUT%" 2>&1
if errorlevel 1 (
  set "STEP=%*"
  set "STEP=!STEP: =%%20!"
  if "!FAILED!"=="" (set "FAILED=!STEP!") else (set "FAILED=!FAILED!,!STEP!")
)
>> "%OUT%" echo.
goto :eof
