#!/usr/bin/env bash
# Side-by-side throughput, in one sitting (a ratio survives a noisy
# machine; an absolute time does not):
#
#   - sim on ../shared/peers/large.toml against the SimPy model of the same
#     scenario (../shared/peers/simpy_peer.py), simulated tasks per wall
#     second and their ratio;
#   - sim on scenarios/bench/large.toml on each cluster manager;
#   - with SCALING=1, the cost per task as the cluster grows (1k, 2k, 5k,
#     10k agents at the load per agent of large.toml) and as the same load
#     is split over more apps (20, 100, 500), from benches/gen-scaling.py,
#     each with its peak memory.
#
# Run from the project root: bash benches/side-by-side.sh [RUNS]
# (RUNS: runs of each, default 3; the best of each is reported). Needs the
# Rust toolchain; the SimPy part needs python3 with simpy (pip install
# simpy) and is skipped, with the reason, without it.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
peers=../shared/peers

cargo build --quiet --release -p sim
sim=target/release/sim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Finished tasks in a report folder's jobs.csv.
tasks_in() {
    python3 - "$1/jobs.csv" <<'EOF'
import csv, sys
print(sum(int(r["tasks"]) for r in csv.DictReader(open(sys.argv[1])) if r["end_s"]))
EOF
}

# Best wall time of `runs` runs of sim with the given arguments, the
# finished tasks of the last run and its peak memory (MB; needs GNU time,
# else "-").
best_sim() {
    local best="" rss="-"
    for _ in $(seq "$runs"); do
        local t0 t1 wall
        t0=$(date +%s.%N)
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f '%M' -o "$out/rss" "$sim" "$@" --quiet ${CHARTS:---no-charts} --out "$out/run" >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
            rss=$(( $(tail -1 "$out/rss") / 1024 ))
        else
            "$sim" "$@" --quiet ${CHARTS:---no-charts} --out "$out/run" >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
        fi
        t1=$(date +%s.%N)
        wall=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
        if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $wall < $best else 1)"; then
            best=$wall
        fi
    done
    echo "$best $(tasks_in "$out/run") $rss"
}

rate() { python3 -c "print(f'{$2 / $1:,.0f}')"; }

printf '%-44s %10s %12s %14s %8s %8s\n' "what" "wall s" "tasks" "tasks/s" "us/task" "peak MB"
row() { # label wall tasks rss
    printf '%-44s %10s %12s %14s %8s %8s\n' "$1" "$2" "$3" "$(rate "$2" "$3")" "$(python3 -c "print(f'{$2 * 1e6 / $3:.2f}')")" "$4"
}
if [ -f "$peers/large.toml" ]; then
    read -r wall tasks rss < <(best_sim "$peers/large.toml")
    row "sim, peers/large.toml (Mesos)" "$wall" "$tasks" "$rss"
    sim_rate=$(python3 -c "print($tasks / $wall)")
    if python3 -c "import simpy" 2>/dev/null; then
        best=""
        for _ in $(seq "$runs"); do
            line=$(python3 "$peers/simpy_peer.py" | tail -1)
            r=$(echo "$line" | grep -oE '[0-9.]+ tasks/s' | grep -oE '[0-9.]+')
            if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $r > $best else 1)"; then
                best=$r
            fi
        done
        printf '%-44s %10s %12s %14s\n' "SimPy model, peers/large.toml" "-" "-" "$(python3 -c "print(f'{$best:,.0f}')")"
        printf '%-44s %10s\n' "sim ÷ SimPy" "$(python3 -c "print(f'{$sim_rate / $best:.1f}x')")"
    else
        echo "SimPy model: SKIPPED: python3 has no simpy (pip install simpy)"
    fi
fi
for manager in mesos standalone yarn; do
    read -r wall tasks rss < <(best_sim scenarios/bench/large.toml --set "cluster.manager=$manager")
    row "sim, bench/large.toml on $manager" "$wall" "$tasks" "$rss"
done
# The capacity sweep as a user runs it: 60 runs on every core, with charts.
read -r wall tasks rss < <(CHARTS=" " best_sim scenarios/capacity.toml)
row "sim, capacity.toml (60 runs, charts)" "$wall" "$tasks" "$rss"
if [ "${SCALING:-0}" = 1 ]; then
    for agents in 1000 2000 5000 10000; do
        python3 benches/gen-scaling.py --agents "$agents" > "$out/agents.toml"
        read -r wall tasks rss < <(best_sim "$out/agents.toml")
        row "Mesos, $agents agents, 20 apps" "$wall" "$tasks" "$rss"
    done
    for apps in 20 100 500; do
        python3 benches/gen-scaling.py --apps "$apps" > "$out/apps.toml"
        read -r wall tasks rss < <(best_sim "$out/apps.toml")
        row "Mesos, 1000 agents, $apps apps" "$wall" "$tasks" "$rss"
    done
fi
