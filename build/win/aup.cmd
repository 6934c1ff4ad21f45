@echo off
rem aup: the AUP Kiosk command line on Windows, installed beside "AUP Kiosk.exe".
rem   aup config validate        aup policy list --json        echo 1234| aup roster hash-pin
rem The executable is a windowed program: cmd and PowerShell do not wait for it or show its exit
rem code. This runs it, waits, prints what it printed and returns its exit code
rem (0 success, 1 failure, 2 bad input or invalid config, 3 ledger tampered).
setlocal
set "AUP_OUT=%TEMP%\aup-%RANDOM%%RANDOM%.out"
set "AUP_ERR=%TEMP%\aup-%RANDOM%%RANDOM%.err"
if not "%~1"=="" goto run
"%~dp0AUP Kiosk.exe" --disable-gpu help >"%AUP_OUT%" 2>"%AUP_ERR%"
goto done
:run
"%~dp0AUP Kiosk.exe" --disable-gpu %* >"%AUP_OUT%" 2>"%AUP_ERR%"
:done
set "AUP_CODE=%ERRORLEVEL%"
type "%AUP_OUT%"
type "%AUP_ERR%" 1>&2
del "%AUP_OUT%" "%AUP_ERR%" >nul 2>&1
exit /b %AUP_CODE%
