#!/usr/bin/env bash
# Installs the Debian packages the tests run for real when they are missing:
# - chromium: the browser tests (tests/browser);
# - php-cli and the extensions SLiMS 9.7 needs (php-mysql php-gd php-mbstring php-intl php-xml
#   php-zip php-curl): tests/slims_real installs and serves real SLiMS with `php -S`, and the
#   SLiMS test databases are made from its installer SQL, which php evaluates;
# - postgresql-client: tests/deploy's backup and restore run pg_dump and pg_restore;
# - libcairo2: PNG downloads of the reports' charts (cairosvg, the `charts` extra).
# Never downloads a browser or an interpreter of its own: apt only, and only as root (CI's fresh
# machines run as root). Without root it names what is missing and leaves those tests to skip
# locally (under CI=true they fail). PORTAL_CHROMIUM names another chromium to use instead.
set -euo pipefail

missing=()
if ! { [[ -n "${PORTAL_CHROMIUM:-}" && -x "${PORTAL_CHROMIUM}" ]] || command -v chromium >/dev/null 2>&1; }; then
    missing+=(chromium fonts-dejavu-core)  # fonts: readable screenshots
fi
php_extensions=(mysqli gd mbstring intl xml zip curl)
if ! command -v php >/dev/null 2>&1; then
    missing+=(php-cli php-mysql php-gd php-mbstring php-intl php-xml php-zip php-curl)
else
    loaded="$(php -m | tr '[:upper:]' '[:lower:]')"
    for extension in "${php_extensions[@]}"; do
        if ! grep -qx "$extension" <<<"$loaded"; then
            package="php-$extension"
            [[ "$extension" == mysqli ]] && package=php-mysql
            missing+=("$package")
        fi
    done
fi
if ! command -v pg_dump >/dev/null 2>&1; then
    missing+=(postgresql-client)
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2'; then
    missing+=(libcairo2)
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
