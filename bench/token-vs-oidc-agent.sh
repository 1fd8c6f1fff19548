#!/bin/sh
# `oauth-setup token` served from its cache against oidc-agent's `oidc-token`, the fastest peer,
# served from its agent's memory over a UNIX socket, side by side in one run (bar: oauth-setup's
# median at most 0.9x oidc-token's). Both tokens come from the same local oidc-provider, and the
# run fails if that server sees a token request while timing. Needs hyperfine, node, npm,
# python3 and oidc-agent (Debian: apt-get install oidc-agent oidc-agent-cli). BIN picks the
# binary (default target/release/oauth-setup; not built here), RUNS the runs (default 300).
# Prints the medians, the ratio and a PASS/FAIL line; exits 1 on FAIL.
set -eu
cd "$(dirname "$0")/.."
for tool in hyperfine node npm python3 oidc-agent oidc-gen oidc-token; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is needed" >&2; exit 1; }
done
bin="${BIN:-$PWD/target/release/oauth-setup}"
[ -x "$bin" ] || { echo "bench: no binary at $bin (cargo build --release, or set BIN)" >&2; exit 1; }

# The tests' authorization server, installed as tests/run.sh does.
oidc=target/oidc
if ! cmp -s tests/oidc/package-lock.json "$oidc/package-lock.json" \
    || [ ! -d "$oidc/node_modules/oidc-provider" ]; then
    mkdir -p "$oidc"
    cp tests/oidc/package.json tests/oidc/package-lock.json "$oidc/"
    npm ci --prefix "$oidc" --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d)
server="" OIDCD_PID=""
cleanup() {
    for pid in $OIDCD_PID $server; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
# dash skips the EXIT trap on a signal unless the signal is trapped too.
trap 'exit 130' INT TERM HUP
# oidc-agent and oidc-gen get a throw-away home (prefix assignments, not an export, because the
# python3 on PATH may be a pyenv shim that finds itself through $HOME).
agent_home="$work/home"
mkdir -p "$agent_home/.config"
export OAUTH_SETUP_CONFIG_DIR="$work/config" NO_PROXY=127.0.0.1

# bench-agent's redirect is never listened on (oidc-gen --no-webserver, below), so any port
# will do; oidc-gen only accepts 1024-49151.
redirect=http://localhost:8765
config=$(cat <<EOF
{"clients":[
 {"client_id":"bench-cc","client_secret":"bench-cc-secret","redirect_uris":[],"response_types":[],
  "grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post","scope":"api.read"},
 {"client_id":"bench-agent","client_secret":"bench-agent-secret","redirect_uris":["$redirect"],
  "response_types":["code"],"grant_types":["authorization_code","refresh_token"],
  "token_endpoint_auth_method":"client_secret_post","application_type":"native"}]}
EOF
)
# stdout to a file, not a pipe: oidc-provider prints notices there later and dies of EPIPE.
node tests/oidc/server.mjs "$oidc/node_modules" "$config" >"$work/oidc.out" 2>"$work/oidc.err" &
server=$!
until [ -s "$work/oidc.out" ]; do
    kill -0 "$server" 2>/dev/null || { cat "$work/oidc.err" >&2; echo "bench: oidc-provider did not start" >&2; exit 1; }
    sleep 0.05
done
issuer=$(head -n 1 "$work/oidc.out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["issuer"])')

# oauth-setup: client credentials, file store; setup's own test request fills no cache.
printf '%s' bench-cc-secret | "$bin" setup --non-interactive --provider generic --profile bench \
    --instance "$issuer/token" --client-id bench-cc --scopes api.read --client-secret-stdin \
    --secret-store file >/dev/null 2>&1
"$bin" token bench >/dev/null
"$bin" token bench --check >/dev/null 2>&1 || { echo "bench: oauth-setup cached no token" >&2; exit 1; }

# oidc-agent: a private agent that cannot load configs from disk, and an account made with the
# code flow, saved nowhere (it lives in the agent only). The socket appears after the fork.
eval "$(HOME="$agent_home" XDG_CONFIG_HOME="$agent_home/.config" \
    oidc-agent --no-autoload --quiet --socket-path="$work/agent.sock")"
until [ -S "$OIDC_SOCK" ]; do sleep 0.05; done
# --no-webserver: otherwise oidc-agent forks a callback web server that lingers on its own after
# the sign-in (not a pid this script gets to kill), so the redirect is captured instead and
# handed to oidc-gen --codeExchange.
gen() {
    HOME="$agent_home" XDG_CONFIG_HOME="$agent_home/.config" oidc-gen --no-url-call --no-webserver \
        --no-scheme --confirm-default --prompt=none "$@" </dev/null >"$work/gen.out" 2>&1 \
        || { cat "$work/gen.out" >&2; echo "bench: oidc-gen failed" >&2; exit 1; }
}
gen bench --iss="$issuer" --client-id=bench-agent --client-secret=bench-agent-secret --flow=code \
    --redirect-uri="$redirect" --scope="openid offline_access" --no-save
url=$(grep -o "$issuer/auth?[^ ]*" "$work/gen.out") \
    || { cat "$work/gen.out" >&2; echo "bench: oidc-gen printed no URL" >&2; exit 1; }
# The tests' browser signs in and consents, and stops at the redirect (capture mode).
FAKE_BROWSER_MODE=capture FAKE_BROWSER_LOG="$work/browser.log" python3 tests/oidc/browser.py "$url"
callback=$(sed -n 's/^callback //p' "$work/browser.log")
case "$callback" in
    "$redirect"/\?code=*) ;;
    *) cat "$work/browser.log" >&2; echo "bench: the sign-in failed" >&2; exit 1 ;;
esac
gen --codeExchange="$callback"
# -t 60: oidc-agent's min-valid, as oauth-setup's default --min-valid 60s.
oidc-token -t 60 bench >/dev/null
iss=$(oidc-token -i bench)
[ "${iss%/}" = "$issuer" ] || { echo "bench: oidc-token's issuer is $iss, not $issuer" >&2; exit 1; }

requests() { grep -c '^token-request ' "$work/oidc.err" || true; }
before=$(requests)
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/result.json" \
    "$bin token bench" \
    "oidc-token -t 60 bench"
after=$(requests)
if [ "$after" != "$before" ]; then
    echo "bench: the authorization server saw $((after - before)) token requests while timing" >&2
    exit 1
fi

python3 - "$work/result.json" "$before" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, peer = r[0]["median"], r[1]["median"]
ratio = ours / peer
print(f"median: oauth-setup token (cached) {ours*1000:.2f} ms, oidc-token (agent) {peer*1000:.2f} ms, "
      f"ratio {ratio:.2f}x (bar 0.9x)")
# Fastest runs too: on a busy machine they move less than the medians.
fast = r[0]["min"] / r[1]["min"]
print(f"min: oauth-setup {r[0]['min']*1000:.2f} ms, oidc-token {r[1]['min']*1000:.2f} ms, ratio {fast:.2f}x")
print(f"token requests at the server while timing: 0 (all {sys.argv[2]} were made before)")
print(f"{'PASS' if ratio <= 0.9 else 'FAIL'}: oauth-setup at {ratio:.2f}x oidc-token's median (bar 0.9x)")
sys.exit(0 if ratio <= 0.9 else 1)
PY
