#!/bin/sh
# 50 concurrent `oauth-setup token` calls on an empty cache against one call on an empty cache,
# on the same local token server, in one run (bar: at most 2x). The cache entry is removed
# before each run, so every run makes exactly one token request. The floor is measured in the
# same run: 50 starts of a Rust "hello world", which does nothing at all.
set -eu
cd "$(dirname "$0")/.."
. bench/local-profile.sh
clear="sed -i '/token-cache/d' $OAUTH_SETUP_CONFIG_DIR/secrets.toml"
printf 'fn main() { println!("hi"); }\n' > "$work/hello.rs"
rustc -O -o "$work/hello" "$work/hello.rs"
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$work/result.json" \
    --prepare "$clear" \
    "$bin token bench" \
    "sh -c 'for i in \$(seq 50); do $bin token bench >/dev/null & done; wait'" \
    "sh -c 'for i in \$(seq 50); do $work/hello >/dev/null & done; wait'"
python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
one, many, floor = r[0]["median"], r[1]["median"], r[2]["median"]
print(f"median: one call {one*1000:.2f} ms, 50 concurrent {many*1000:.2f} ms, ratio {many/one:.2f}x (bar 2x); "
      f"50 hello-world starts {floor*1000:.2f} ms = {floor/one:.2f}x, the floor on this machine")
PY
