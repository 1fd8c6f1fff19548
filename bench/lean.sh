#!/bin/sh
# Every figure of "lean and well packaged" from one run, each with its bar:
# - the release binary's size (at most 8 MiB);
# - `verify` (at most 1.2x) and `token --no-cache` (at most 1.1x) against curl making the same
#   token POST, on two servers: the benchmarks' Python token server (one write per answer,
#   TCP_NODELAY) and panva's oidc-provider, the server the tests use;
# - `verify --all` over 50 profiles against `curl --parallel` making the same 50 POSTs (1.2x);
# - peak memory of `verify` (at most 15 MiB);
# - start to first frame (30 ms) and a scope-picker frame (1 ms): `cargo bench --bench tui`.
# Needs hyperfine, curl, python3, node and the tests' oidc-provider in target/oidc (tests/run.sh
# installs it). RUNS sets hyperfine's runs (default 60).
set -eu
cd "$(dirname "$0")/.."
. bench/local-profile.sh
[ -d target/oidc/node_modules/oidc-provider ] || { echo "bench: run tests/run.sh once (oidc-provider)" >&2; exit 1; }
runs="${RUNS:-60}"
size=$(stat -c %s "$bin")

# oidc-provider with one client-credentials client, on a loopback port it picks.
config='{"clients":[{"client_id":"bench-client","client_secret":"bench-secret","grant_types":["client_credentials"],"redirect_uris":[],"response_types":[],"token_endpoint_auth_method":"client_secret_post"}]}'
node tests/oidc/server.mjs target/oidc/node_modules "$config" > "$work/oidc.out" 2>/dev/null &
oidc=$!
trap 'kill $server $oidc 2>/dev/null; rm -rf "$work"' EXIT
while [ ! -s "$work/oidc.out" ]; do sleep 0.05; done
issuer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["issuer"])' "$work/oidc.out")
printf 'bench-secret' | "$bin" setup --non-interactive --provider generic --profile oidc \
    --instance "$issuer/token" --scopes api.read --client-id bench-client --client-auth post \
    --client-secret-stdin --secret-store file >/dev/null 2>&1

form='grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret'
curl_py="curl -s -o /dev/null -H Accept:application/json --data $form&scope=core.common.read $url/oauth2/token"
curl_oidc="curl -s -o /dev/null -H Accept:application/json --data $form&scope=api.read $issuer/token"

# 50 profiles against the Python server, in a config folder of their own.
fifty="$work/fifty"
for i in $(seq 1 50); do
    printf 'bench-secret' | OAUTH_SETUP_CONFIG_DIR="$fifty" "$bin" setup --non-interactive \
        --provider coupa --profile "p$i" --instance "$url" --scopes core.common.read \
        --client-id bench-client --client-secret-stdin --secret-store file >/dev/null 2>&1
done
urls=$(for i in $(seq 1 50); do printf '%s/oauth2/token ' "$url"; done)

hyperfine --warmup 5 --runs "$runs" -N --export-json "$work/result.json" \
    "$bin verify bench" "$curl_py" "$bin token bench --no-cache" \
    "$bin verify oidc" "$curl_oidc" "$bin token oidc --no-cache" \
    "env OAUTH_SETUP_CONFIG_DIR=$fifty $bin verify --all" \
    "curl -s --no-progress-meter -Z --parallel-max 50 -H Accept:application/json --data $form&scope=core.common.read $urls" \
    >/dev/null

# Peak memory of verify: the largest resident set of 20 runs.
peak=0
for i in $(seq 1 20); do
    /usr/bin/time -f '%M' -o "$work/rss" "$bin" verify bench >/dev/null 2>&1
    kb=$(tail -1 "$work/rss")
    [ "$kb" -gt "$peak" ] && peak=$kb
done

python3 - "$work/result.json" "$size" "$peak" <<'PY'
import json, sys
r = [x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]]
size, peak = int(sys.argv[2]), int(sys.argv[3])
def line(what, value, bar, unit=""):
    ok = "ok" if value <= bar else "NOT MET"
    print(f"{what:<52} {value:8.2f}{unit}  (bar {bar}{unit}) {ok}")
line("release binary, MiB", size / 2**20, 8)
for name, v, c, t in (("python token server", r[0], r[1], r[2]), ("oidc-provider", r[3], r[4], r[5])):
    print(f"{name}: verify {v:.2f} ms, token --no-cache {t:.2f} ms, curl {c:.2f} ms")
    line(f"  verify / curl ({name})", v / c, 1.2, "x")
    line(f"  token --no-cache / curl ({name})", t / c, 1.1, "x")
print(f"50 profiles: verify --all {r[6]:.2f} ms, curl --parallel {r[7]:.2f} ms")
line("  verify --all / curl --parallel", r[6] / r[7], 1.2, "x")
line("peak memory of verify, MiB", peak / 1024, 15)
PY
cargo bench --locked --bench tui 2>/dev/null | grep -E "frame"
