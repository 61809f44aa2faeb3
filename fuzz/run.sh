#!/usr/bin/env bash
# Fuzzes the token engine with cargo-fuzz (libFuzzer + AddressSanitizer).
#
#   bash fuzz/run.sh [TARGET...]          # default: decode key_parser json
#
# FUZZ_SECONDS  seconds per target (default 300; 45 when CI=true)
# PYTHON        interpreter with PyJWT and cryptography (default .venv/bin/python),
#               for the seed corpus; the targets link only the engine crate
#               (engine/), which has no Python in it
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer, sancov passes). The
# project builds on stable Rust, so RUSTC_BOOTSTRAP=1 lets stable rustc take
# them. cargo-fuzz itself is installed once into target/tools (a cache that
# `make clean` removes). The first build compiles aws-lc with the fuzzing
# flags: a few minutes; later runs reuse fuzz/target.
#
# Corpora grow in fuzz/corpus/TARGET (seeded by fuzz/seed_corpus.py), crashes
# land in fuzz/artifacts/TARGET; both are git-ignored. A crash fails the run
# and prints how to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CARGO_FUZZ_VERSION=0.13.2
TOOLS=$ROOT/target/tools
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
if [[ -z "${FUZZ_SECONDS:-}" ]]; then
    if [[ "${CI:-}" == "true" ]]; then FUZZ_SECONDS=45; else FUZZ_SECONDS=300; fi
fi
TARGETS=("$@")
if [[ ${#TARGETS[@]} -eq 0 ]]; then TARGETS=(decode key_parser json); fi

if ! "$TOOLS/bin/cargo-fuzz" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --root "$TOOLS" --quiet
fi
export PATH="$TOOLS/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

"$PYTHON" fuzz/seed_corpus.py fuzz/corpus

# fuzz/Cargo.lock is committed; a build must not rewrite it. When the
# engine's dependencies change it goes stale: say so, rather than leave a
# modified file behind (cargo would update it silently).
if ! metadata_err=$(cargo metadata --locked --manifest-path fuzz/Cargo.toml --format-version 1 2>&1 >/dev/null); then
    if grep -q "cannot update the lock file" <<<"$metadata_err"; then
        echo "!! fuzz/Cargo.lock is out of date with the engine's dependencies."
        echo "!! update it and commit the result:"
        echo "!!   cargo metadata --manifest-path fuzz/Cargo.toml --format-version 1 >/dev/null"
        exit 1
    fi
    echo "$metadata_err"
    exit 1
fi

echo "== building fuzz targets (the first build compiles aws-lc: a few minutes)"
cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo fuzz build

declare -A MAX_LEN=([decode]=8192 [key_parser]=8192 [json]=4096)
summary=()
status=0
for target in "${TARGETS[@]}"; do
    log=fuzz/artifacts/$target.log
    mkdir -p "fuzz/artifacts/$target" "fuzz/corpus/$target"
    dict=()
    [[ -f fuzz/corpus/$target.dict ]] && dict=("-dict=$ROOT/fuzz/corpus/$target.dict")
    echo "== fuzzing $target for ${FUZZ_SECONDS}s (log: $log)"
    cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$FUZZ_SECONDS" \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -max_len="${MAX_LEN[$target]:-4096}" \
        -print_final_stats=1 \
        "${dict[@]}" >"$log" 2>&1 &
    pid=$!
    started=$SECONDS
    # libFuzzer writes its status lines ("#<runs> ... corp: <n>/<size> ...
    # exec/s: <n>") to the log: one progress line from it every 30 s.
    while kill -0 "$pid" 2>/dev/null; do
        for _ in $(seq 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill -0 "$pid" 2>/dev/null || break
        status_line=$(grep -a -E '^#[0-9]+' "$log" | tail -n 1 || true)
        runs_now=$(grep -o -E '^#[0-9]+' <<<"$status_line" | tr -d '#' || true)
        corp_now=$(grep -o -E 'corp: [0-9]+' <<<"$status_line" | grep -o -E '[0-9]+' || true)
        speed_now=$(grep -o -E 'exec/s: [0-9]+' <<<"$status_line" | grep -o -E '[0-9]+' || true)
        left=$((FUZZ_SECONDS - (SECONDS - started)))
        ((left < 0)) && left=0
        echo "   $target: ${runs_now:-0} runs, corpus ${corp_now:-?} inputs, ${speed_now:-?} exec/s, ${left}s left"
    done
    set +e
    wait "$pid"
    code=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
    if [[ $code -ne 0 ]]; then
        status=1
        echo "!! $target failed (exit $code); the end of $log:"
        tail -n 60 "$log"
        echo "!! reproduce: RUSTC_BOOTSTRAP=1 $TOOLS/bin/cargo-fuzz run $target fuzz/artifacts/$target/<file named above>"
        summary+=("$target: FAILED after ${runs:-?} runs, corpus $corpus inputs")
    else
        summary+=("$target: ${FUZZ_SECONDS}s, ${runs:-?} runs, corpus $corpus inputs, no crash")
    fi
done

echo "== fuzzing summary"
printf '  %s\n' "${summary[@]}"
exit $status
