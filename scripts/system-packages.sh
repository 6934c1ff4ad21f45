#!/usr/bin/env bash
# What the tests start, and the Debian package that brings each: one list, used by .ci/run and by
# `npm test` (scripts/test.mjs). On Debian as root the missing ones are installed with apt; elsewhere
# this names them and exits 1.
#   OpenLDAP slapd + tools   directory tests (a throwaway slapd on loopback)
#   PostgreSQL               district database tests (a throwaway cluster: initdb, postgres)
#   Chromium                 browser tests (Playwright with executablePath; no browser download here)
set -euo pipefail

need=()
[ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapadd >/dev/null 2>&1 || need+=(ldap-utils)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

if [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ]; then
  echo "Installing what the tests need: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${need[@]}"
  exit 0
fi
echo "The tests need these Debian packages (or their equivalents): ${need[*]}" >&2
[ -f /etc/debian_version ] && echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
exit 1
