# Sourced by the bench scripts: builds the release binary, starts the local token server and
# sets up profile `bench` against it (file store). Sets $bin, $work and $url.
for tool in hyperfine curl python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is needed" >&2; exit 1; }
done
cargo build --release --locked --quiet
bin="$PWD/target/release/oauth-setup"
work=$(mktemp -d)
python3 bench/token_server.py > "$work/port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
while [ ! -s "$work/port" ]; do sleep 0.05; done
url="http://127.0.0.1:$(cat "$work/port")"
export OAUTH_SETUP_CONFIG_DIR="$work/config" NO_PROXY=127.0.0.1
printf 'bench-secret' | "$bin" setup --non-interactive --provider coupa --profile bench --instance "$url" \
    --scopes core.common.read --client-id bench-client --client-secret-stdin --secret-store file >/dev/null 2>&1
