#!/bin/sh
# A cached `oauth-setup token` with one profile against the same with 2,000 profiles (and, in
# the file store, 2,000 secrets and 2,000 cached tokens), side by side in one run, for the file
# store and then the OS keyring (a private gnome-keyring in its own D-Bus session). Bar: at most
# 1.2x. Also `exec PROFILE -- /bin/true` against `/bin/true` alone (bar: at most 1.5 ms more).
# Needs hyperfine, curl, python3, dbus-run-session and gnome-keyring-daemon.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${BENCH_IN_KEYRING_SESSION:-}" ]; then
    keyring_data=$(mktemp -d)
    trap 'rm -rf "$keyring_data"' EXIT
    export XDG_DATA_HOME="$keyring_data" BENCH_IN_KEYRING_SESSION=1
    exec dbus-run-session -- sh -c '
        printf "%s" "bench-only-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        exec "$0"' "$0"
fi
. bench/local-profile.sh
trap 'kill $server 2>/dev/null; rm -rf "$work" "$XDG_DATA_HOME"' EXIT
N=${PROFILES:-2000}
one="$work/config"
"$bin" token bench >/dev/null

ratio() {
    python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["median"], r[1]["median"]
print(f"{sys.argv[2]}: median {a*1000:.2f} ms with 1 profile, {b*1000:.2f} ms with many, ratio {b/a:.2f}x (bar 1.2x)", "PASS" if b / a <= 1.2 else "FAIL")
PY
}

# The file store: the folder grown to N profiles by copying the first one's text (each copy its
# own secret and cached token), then written once by the program, which writes the indexes.
many="$work/many"
cp -r "$one" "$many"
python3 bench/many_profiles.py "$many" "$N"
OAUTH_SETUP_CONFIG_DIR="$many" "$bin" default bench >/dev/null
last=$(printf 'bench-%05d' $((N - 1)))
OAUTH_SETUP_CONFIG_DIR="$many" "$bin" token bench --min-valid 25h >/dev/null 2>&1
OAUTH_SETUP_CONFIG_DIR="$many" "$bin" token "$last" --check >/dev/null
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/file.json" \
    "$bin token bench --config-dir $one" \
    "$bin token $last --config-dir $many"
ratio "$work/file.json" "file store, $N profiles"

# The keyring: N profiles made by `copy` (each its own keyring entry), each token cached.
kr="$work/keyring"
printf 'bench-secret' | OAUTH_SETUP_CONFIG_DIR="$kr" "$bin" setup --non-interactive --provider coupa \
    --profile kr --instance "$url" --scopes core.common.read --client-id bench-client \
    --client-secret-stdin --secret-store keyring >/dev/null 2>&1
OAUTH_SETUP_CONFIG_DIR="$kr" "$bin" token kr >/dev/null
kr1="$work/keyring-one"
cp -r "$kr" "$kr1"
i=1
while [ "$i" -lt "$N" ]; do
    OAUTH_SETUP_CONFIG_DIR="$kr" "$bin" copy kr "kr-$i" >/dev/null 2>&1
    OAUTH_SETUP_CONFIG_DIR="$kr" "$bin" token "kr-$i" >/dev/null
    i=$((i + 1))
done
OAUTH_SETUP_CONFIG_DIR="$kr" "$bin" token "kr-$((N - 1))" --check >/dev/null
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/keyring.json" \
    "$bin token kr --config-dir $kr1" \
    "$bin token kr-$((N - 1)) --config-dir $kr"
ratio "$work/keyring.json" "keyring, $N profiles"

# exec: the command started with the cached token, against the command alone.
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/exec.json" \
    "/bin/true" \
    "$bin exec bench --config-dir $one -- /bin/true"
python3 - "$work/exec.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
alone, ours = r[0]["median"], r[1]["median"]
more = (ours - alone) * 1000
print(f"exec: /bin/true {alone*1000:.2f} ms, exec bench -- /bin/true {ours*1000:.2f} ms, {more:.2f} ms more (bar 1.5 ms)", "PASS" if more <= 1.5 else "FAIL")
PY
