#!/usr/bin/env bash
# Installs the Debian packages the tests run for real when they are missing:
# - chromium: the browser tests (tests/browser);
# - php-cli: tests/signup/test_one_password.py checks the SLiMS password hash with PHP's own
#   password_verify;
# - postgresql-client: tests/deploy's backup and restore run pg_dump and pg_restore.
# Never downloads a browser or an interpreter of its own: apt only, and only as root (CI's fresh
# machines run as root). Without root it names what is missing and leaves those tests to skip
# locally (under CI=true they fail). PORTAL_CHROMIUM names another chromium to use instead.
set -euo pipefail

missing=()
if ! { [[ -n "${PORTAL_CHROMIUM:-}" && -x "${PORTAL_CHROMIUM}" ]] || command -v chromium >/dev/null 2>&1; }; then
    missing+=(chromium fonts-dejavu-core)  # fonts: readable screenshots
fi
if ! command -v php >/dev/null 2>&1; then
    missing+=(php-cli)
fi
if ! command -v pg_dump >/dev/null 2>&1; then
    missing+=(postgresql-client)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
    echo "missing and this is not root: ${missing[*]}; the tests that need them will skip" \
         "(install with: sudo apt-get install --no-install-recommends ${missing[*]})" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
