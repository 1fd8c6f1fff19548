#!/bin/sh
# Runs each cargo-fuzz target for a fixed time (default 60 s each; FUZZ_SECONDS to change).
# Not part of CI: the bounded property tests in `cargo test` cover the same code there.
# Needs cargo-fuzz (cargo install cargo-fuzz). On a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# use the sanitizer flags it needs.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
command -v cargo-fuzz >/dev/null 2>&1 || { echo "bench/fuzz.sh: cargo install cargo-fuzz" >&2; exit 1; }
for target in field_rules profiles_loader token_response token_to_cache import_file sanitizer; do
    echo "== $target, $seconds s"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 |
        grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
done
