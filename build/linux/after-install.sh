#!/bin/bash
# AUP Kiosk: the deb's postinst. It replaces electron-builder's own after-install script, so it
# first does what that one does (the command link, the Chromium sandbox helper, the AppArmor
# profile), then what a lab PC needs. electron-builder fills in the two ${...} names.
APP_DIR='/opt/${sanitizedProductName}'
EXE='${executable}'

# --- electron-builder's standard steps -----------------------------------------------------------
if type update-alternatives >/dev/null 2>&1; then
    if [ -L "/usr/bin/$EXE" -a -e "/usr/bin/$EXE" -a "$(readlink "/usr/bin/$EXE")" != "/etc/alternatives/$EXE" ]; then
        rm -f "/usr/bin/$EXE"
    fi
    update-alternatives --install "/usr/bin/$EXE" "$EXE" "$APP_DIR/$EXE" 100 || ln -sf "$APP_DIR/$EXE" "/usr/bin/$EXE"
else
    ln -sf "$APP_DIR/$EXE" "/usr/bin/$EXE"
fi
# The SUID sandbox helper only where user namespaces do not work.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
    chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi
if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi
# Ubuntu 24+ restricts unprivileged user namespaces unless an AppArmor profile allows them.
if apparmor_status --enabled > /dev/null 2>&1; then
    APPARMOR_PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
    APPARMOR_PROFILE_TARGET="/etc/apparmor.d/$EXE"
    if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
        cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
        if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
            apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
        fi
    fi
fi

# --- AUP Kiosk -----------------------------------------------------------------------------------
# The CLI for technicians: `aup config validate`.
chmod 0755 "$APP_DIR/aup" || true
ln -sf "$APP_DIR/aup" /usr/bin/aup

# The machine config folder: root writes it, users read it.
install -d -m 0755 -o root -g root /etc/aup-kiosk

# Logs: one file per account (they cannot append to each other's); the sticky bit stops one
# account removing another's file; setgid + adm lets technicians in the adm group read them.
install -d -m 3777 -o root -g adm /var/log/aup-kiosk 2>/dev/null || install -d -m 1777 -o root -g root /var/log/aup-kiosk

# The machine service (aup-service, as root) alone keeps the ledger, the lock state and the secrets:
# /var/lib/aup-kiosk is root's alone (0700); systemd creates /run/aup-kiosk for its socket. A
# ledger folder left open by an older version is closed now (the files in it become root's).
install -d -m 0700 -o root -g root /var/lib/aup-kiosk
chmod 0700 /var/lib/aup-kiosk
hash setfacl 2>/dev/null && setfacl -R -b /var/lib/aup-kiosk 2>/dev/null || true
chown -R root:root /var/lib/aup-kiosk
install -m 0644 "$APP_DIR/resources/machine-service/aup-service.service" /etc/systemd/system/aup-service.service
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    systemctl enable aup-service.service || true
    systemctl restart aup-service.service || echo "aup-kiosk: the machine service did not start; see: journalctl -u aup-service" >&2
fi

# Start the kiosk's screens at every graphical sign-in (the service signs out a student session
# whose screens do not come).
install -m 0644 "$APP_DIR/resources/autostart/aup-kiosk.desktop" /etc/xdg/autostart/aup-kiosk.desktop

exit 0
