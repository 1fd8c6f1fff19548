#!/bin/sh
# `oauth-setup verify --all` over 1,000 profiles (file store) against `curl --parallel` making
# the same 1,000 token requests to the same local token server, side by side in one run (bar:
# at most 1.2x), and verify's peak memory at 100 and at 1,000 profiles (it must not grow with
# the count: at most 32 profiles are checked at once). Needs hyperfine, curl, python3 and GNU
# time.
set -eu
cd "$(dirname "$0")/.."
. bench/local-profile.sh
N=${PROFILES:-1000}
small="$work/small"
cp -r "$OAUTH_SETUP_CONFIG_DIR" "$small"
python3 bench/many_profiles.py "$OAUTH_SETUP_CONFIG_DIR" "$N"
python3 bench/many_profiles.py "$small" 100
"$bin" default bench >/dev/null
"$bin" verify --all --non-interactive >/dev/null
curl_config="$work/curl.cfg"
i=0
while [ "$i" -lt "$N" ]; do
    printf 'url = "%s/oauth2/token"\noutput = "/dev/null"\n' "$url" >> "$curl_config"
    i=$((i + 1))
done
form='grant_type=client_credentials&scope=core.common.read&client_id=bench-client&client_secret=bench-secret'
hyperfine --warmup 2 --runs "${RUNS:-10}" -N --export-json "$work/result.json" \
    "$bin verify --all --non-interactive" \
    "curl -s --parallel --parallel-max 32 -X POST -H 'Accept: application/json' --data $form --config $curl_config"
python3 - "$work/result.json" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, curl = r[0]["median"], r[1]["median"]
print(f"median: verify --all over {sys.argv[2]} profiles {ours*1000:.0f} ms, curl --parallel {curl*1000:.0f} ms, ratio {ours/curl:.2f}x (bar 1.2x)", "PASS" if ours / curl <= 1.2 else "FAIL")
PY
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "peak memory: verify --all over 100 profiles $(OAUTH_SETUP_CONFIG_DIR=$small peak "$bin" verify --all --non-interactive) KiB, over $N profiles $(peak "$bin" verify --all --non-interactive) KiB"
