#!/bin/sh
# `oauth-setup api PROFILE invoices --paginate` over 20 Coupa pages (1,000 records, 50 a page),
# token cached, against one curl process fetching the same 20 URLs over one kept-alive
# connection, side by side in one run (bar: at most 1.1x curl's median). Needs hyperfine, curl
# and python3.
set -eu
cd "$(dirname "$0")/.."
export RECORDS=1000
. bench/local-profile.sh
"$bin" token bench >/dev/null  # fills the cache
urls=""
offset=0
while [ "$offset" -lt 1000 ]; do
    urls="$urls $url/api/invoices?limit=50&offset=$offset"
    offset=$((offset + 50))
done
# The same 20 pages, the last one full, so oauth-setup stops after it only on an empty 21st:
# curl fetches that one too.
urls="$urls $url/api/invoices?limit=50&offset=1000"
count=$("$bin" api bench invoices --paginate --json-lines | wc -l)
[ "$count" -eq 1000 ] || { echo "bench: api --paginate gave $count records, not 1000" >&2; exit 1; }

hyperfine --warmup 5 --runs "${RUNS:-50}" -N --export-json "$work/result.json" \
    "$bin api bench invoices --paginate" \
    "curl -s -o /dev/null -H 'Authorization: Bearer bench-token' -H 'Accept: application/json' $urls"

python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, curl = r[0]["median"], r[1]["median"]
ratio = ours / curl
print(f"median: oauth-setup api --paginate (21 requests) {ours*1000:.2f} ms, curl (21 URLs, one connection) {curl*1000:.2f} ms, ratio {ratio:.2f}x (bar 1.1x)")
print("PASS" if ratio <= 1.1 else "FAIL")
PY
