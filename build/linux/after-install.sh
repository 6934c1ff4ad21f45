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

# Ledger and lock state: every account that signs in writes them. A default ACL makes the files
# one account creates writable by the next (without it, the second user of the PC could not append).
install -d -m 0777 -o root -g root /var/lib/aup-kiosk
if hash setfacl 2>/dev/null; then
    setfacl -m d:u::rwX,d:g::rwX,d:o::rwX /var/lib/aup-kiosk || true
else
    echo "aup-kiosk: install the 'acl' package and run: setfacl -m d:u::rwX,d:g::rwX,d:o::rwX /var/lib/aup-kiosk (see the deployment guide)" >&2
fi

# Start the kiosk at every graphical sign-in.
install -m 0644 "$APP_DIR/resources/autostart/aup-kiosk.desktop" /etc/xdg/autostart/aup-kiosk.desktop

exit 0
