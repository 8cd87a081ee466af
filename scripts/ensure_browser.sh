#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (tests/browser) when it is missing.
# Never downloads a browser of its own: apt only, and only as root (CI's fresh machines run as
# root). Without root and without chromium it says so and leaves the tests to skip locally
# (under CI=true they fail). PORTAL_CHROMIUM names another chromium to use instead.
set -euo pipefail

if [[ -n "${PORTAL_CHROMIUM:-}" && -x "${PORTAL_CHROMIUM}" ]] || command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
    echo "chromium is missing and this is not root: the browser tests will skip" \
         "(install it with: sudo apt-get install --no-install-recommends chromium)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium
