#!/bin/sh
# Compares `oauth-setup token` served from its cache with curl making one token POST to the same
# local token server, in one run, and prints the median ratio (bar: at most 0.3x curl's wall
# time). Needs hyperfine (apt-get install hyperfine), curl and python3.
set -eu
cd "$(dirname "$0")/.."
. bench/local-profile.sh
"$bin" token bench >/dev/null  # fills the cache

hyperfine --warmup 5 --runs "${RUNS:-100}" -N --export-json "$work/result.json" \
    "$bin token bench" \
    "curl -s -o /dev/null -X POST -H 'Accept: application/json' --data 'grant_type=client_credentials&scope=core.common.read&client_id=bench-client&client_secret=bench-secret' $url/oauth2/token"

python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, curl = r[0]["median"], r[1]["median"]
print(f"median: oauth-setup token (cached) {ours*1000:.2f} ms, curl {curl*1000:.2f} ms, ratio {ours/curl:.2f}x (bar 0.3x)")
PY
