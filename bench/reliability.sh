#!/bin/sh
# Runs the adversarial suite with its full counts and writes docs/reliability.md: every fault,
# how often it was tried, and the outcome. Re-run it to refresh the figures.
#   FUZZ_SECONDS   seconds per cargo-fuzz target (default 60; 0 skips fuzzing)
set -eu
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
export OAUTH_SETUP_FAULT_REPORT="$report" OAUTH_SETUP_FULL_RUNS=1
tests/run.sh --test suite -- faults crash concurrency hygiene keyring bad_input leaks fuzz_props token_http

seconds=${FUZZ_SECONDS:-60}
if [ "$seconds" -gt 0 ] && command -v cargo-fuzz >/dev/null 2>&1; then
    for target in field_rules profiles_loader token_response; do
        out=$(RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1) || {
            echo "$out" | tail -40; echo "bench/reliability.sh: fuzz target $target failed" >&2; exit 1; }
        runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
        printf 'cargo-fuzz %s (%s s)\t%s\tno crash, no panic\n' "$target" "$seconds" "$runs" >> "$report"
    done
fi

{
    echo "# Reliability figures"
    echo
    echo "Produced by \`bench/reliability.sh\` on $(date -u +%Y-%m-%d) ($(uname -sm), $(nproc) cores)."
    echo "Each row is a fault the adversarial suite (tests/suite) applied to the real binary, how"
    echo "often, and what happened. The suite asserts every outcome: a row exists only if its test"
    echo "passed, so across all rows there were **0 hangs, 0 lost profiles and 0 leaked secrets**."
    echo "CI runs the same tests with shorter loops; this script runs the full counts."
    echo
    echo "| fault | tries | outcome |"
    echo "|---|---:|---|"
    sort "$report" | awk -F '\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }'
} > docs/reliability.md
echo "wrote docs/reliability.md ($(wc -l < "$report") rows)"
