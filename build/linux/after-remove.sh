#!/bin/bash
# AUP Kiosk: the deb's postrm (replaces electron-builder's own, whose steps come first).
# The config (/etc/aup-kiosk), the ledger (/var/lib/aup-kiosk) and the logs stay: they are the
# district's, and the ledger is evidence.
APP_DIR='/opt/${sanitizedProductName}'
EXE='${executable}'

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove "$EXE" "$APP_DIR/$EXE"
else
    rm -f "/usr/bin/$EXE"
fi
APPARMOR_PROFILE_DEST="/etc/apparmor.d/$EXE"
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
    if apparmor_status --enabled > /dev/null 2>&1; then
        if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
            apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
        fi
    fi
    rm -f "$APPARMOR_PROFILE_DEST"
fi

# dpkg runs postrm for an upgrade too: keep the service, the autostart entry and the command then.
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
    if [ -d /run/systemd/system ]; then
        systemctl disable --now aup-service.service 2>/dev/null || true
    fi
    rm -f /etc/systemd/system/aup-service.service
    [ -d /run/systemd/system ] && systemctl daemon-reload 2>/dev/null || true
    rm -f /etc/xdg/autostart/aup-kiosk.desktop
    [ -L /usr/bin/aup ] && rm -f /usr/bin/aup
fi
exit 0
