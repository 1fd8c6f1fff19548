#!/bin/sh
# `verify` and `token --no-cache` with the secret in Vault (a local OpenBao dev server) against
# the same commands with the secret in the file store, side by side in one run (bar: at most
# 1.3x). Needs hyperfine, python3 and OpenBao in target/bao (tests/run.sh installs it).
set -eu
cd "$(dirname "$0")/.."
. bench/local-profile.sh
bao="${OAUTH_SETUP_TEST_BAO:-$PWD/target/bao/bin/bao}"
[ -x "$bao" ] || { echo "bench: OpenBao is needed at $bao (run tests/run.sh once)" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOME="$work" "$bao" server -dev -dev-no-store-token -dev-root-token-id=bench-root \
    -dev-listen-address="127.0.0.1:$port" >/dev/null 2>&1 &
bao_pid=$!
trap 'kill $server $bao_pid 2>/dev/null; rm -rf "$work"' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/v1/sys/health')" 2>/dev/null; do sleep 0.1; done
export BAO_TOKEN=bench-root
printf 'bench-secret' | "$bin" setup --non-interactive --provider coupa --profile vaulted --instance "$url" \
    --scopes core.common.read --client-id bench-client --client-secret-stdin \
    --secret-store vault --vault-addr "http://127.0.0.1:$port" >/dev/null 2>&1

# The yardstick for "one extra local round trip": curl making the same token request with and
# without the OpenBao read before it, in one process (curl starts once either way).
read_url="http://127.0.0.1:$port/v1/secret/data/oauth-setup/vaulted"
post="-s -o /dev/null -u bench-client:bench-secret -d grant_type=client_credentials $url/oauth2/token"
hyperfine --warmup 5 --runs "${RUNS:-60}" -N --export-json "$work/result.json" \
    "$bin token bench --no-cache" "$bin token vaulted --no-cache" \
    "$bin verify bench" "$bin verify vaulted" \
    "curl $post" "curl -s -o /dev/null -H X-Vault-Token:bench-root $read_url --next $post"

cp "$work/result.json" /tmp/vault-bench.json 2>/dev/null || true
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
m = [x["median"] * 1000 for x in r]
print(f"median: token --no-cache file {m[0]:.2f} ms, vault {m[1]:.2f} ms, ratio {m[1]/m[0]:.2f}x "
      f"(+{m[1]-m[0]:.2f} ms); verify file {m[2]:.2f} ms, vault {m[3]:.2f} ms, ratio {m[3]/m[2]:.2f}x "
      f"(+{m[3]-m[2]:.2f} ms) (bar 1.3x)")
print(f"yardstick: curl making the same two requests (the OpenBao read, then the token POST) takes "
      f"{m[5]:.2f} ms against {m[4]:.2f} ms for the token POST alone: {m[5]/m[4]:.2f}x (+{m[5]-m[4]:.2f} ms)")
PY
