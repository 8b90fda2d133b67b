#!/usr/bin/env bash
# Regenerates every number of docs/validation.md from the shipped scenarios
# under scenarios/validation/ (the tests in sim/tests/validation.rs assert
# the verdicts). Usage: scripts/validation.sh [path/to/sim]
set -euo pipefail
cd "$(dirname "$0")/.."
SIM=${1:-}
if [ -z "$SIM" ]; then
    cargo build --quiet --release -p sim
    SIM=target/release/sim
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== DRF's worked example: each framework's final cpus, mem (MiB), dominant share"
"$SIM" scenarios/validation/drf-example.toml --out "$OUT/drf" --quiet
awk -F, 'NR > 1 { last[$5] = $6 " cpus, " $7 " MiB, share " $8 } END { for (f in last) print "  " f ": " last[f] }' "$OUT/drf/shares.csv" | sort
echo "   greedy frameworks (tasks_per_offer unbounded):"
"$SIM" scenarios/validation/drf-example.toml --out "$OUT/drf-greedy" --quiet \
    --set frameworks.a.tasks_per_offer=100 --set frameworks.b.tasks_per_offer=100
awk -F, 'NR > 1 { last[$5] = $6 " cpus, " $7 " MiB, share " $8 } END { for (f in last) print "  " f ": " last[f] }' "$OUT/drf-greedy/shares.csv" | sort

echo "== Offer-cycle starvation: offers per framework, by default filter (points 0, 1, 2 = 5 s, 10 s, 30 s)"
"$SIM" scenarios/validation/offer-starvation.toml --out "$OUT/starve" --offers --quiet
awk -F, 'NR > 1 { n[$1 " " $4]++ } END { for (k in n) print k, n[k] }' "$OUT/starve/offers.csv" | sort |
    awk '{ row[$1] = row[$1] " " $2 "=" $3 } END { for (p in row) print "  point " p ":" row[p] }' | sort

echo "== Dynamic allocation: target changes (time s, target), executor launches and removals"
"$SIM" scenarios/validation/dynamic-allocation-ramp.toml --out "$OUT/da" --quiet
awk -F, 'NR > 1 { printf "  %s s: target %s\n", $3, $5 }' "$OUT/da/allocation.csv"
awk -F, 'NR > 1 { l[$10]++; e[$12 " " $13]++ } END { for (t in l) print "  launched at " t " s: " l[t]; for (t in e) print "  ended at " t ": " e[t] }' "$OUT/da/executors.csv" | sort

echo "== Delay scheduling: node locality and mean job time by wait (points 0-5 = 0, 0.5, 1, 3, 5, 30 s) and replication"
"$SIM" scenarios/validation/delay-scheduling.toml --out "$OUT/delay" --quiet
awk -F, 'NR > 1 { k = $1 " " $2; l[k] += $12; n[k] += $13; if ($7 != "") { t[k] += $8; d[k]++ } }
    END { for (k in l) printf "  point %s: locality %.3f, mean job %.2f s\n", k, l[k] / n[k], t[k] / d[k] }' \
    "$OUT/delay/jobs.csv" | sort -n -k2 -k3

echo "== Coarse against fine-grained: job start and end (s) per point (0 = coarse, 1 = fine) and app"
"$SIM" scenarios/validation/fine-vs-coarse-tiny-tasks.toml --out "$OUT/fine" --quiet
awk -F, 'NR > 1 { printf "  point %s %s: start %s, end %s\n", $1, $3, $6, $7 }' "$OUT/fine/jobs.csv"

echo "== Standalone FIFO and placement: second app's job start (s), and executor cores per app, by point"
"$SIM" scenarios/validation/standalone-fifo.toml --out "$OUT/standalone" --quiet
awk -F, 'NR > 1 && $3 == "second" { printf "  point %s: second submitted %s, started %s\n", $1, $5, $6 }' "$OUT/standalone/jobs.csv"
awk -F, 'NR > 1 { c[$1 " " $3] = c[$1 " " $3] " " $7 } END { for (k in c) print "  point " k ":" c[k] }' "$OUT/standalone/executors.csv" | sort

echo "== YARN heartbeats: last executor launched (s) by point (0, 1, 2 = 250 ms, 1 s, 3 s) and replication"
"$SIM" scenarios/validation/yarn-heartbeats.toml --out "$OUT/yarn" --quiet 2>/dev/null
awk -F, 'NR > 1 { k = $1 " " $2; if ($10 > m[k]) m[k] = $10 } END { for (k in m) print "  point " k ": " m[k] }' "$OUT/yarn/executors.csv" | sort

echo "== DRF against slots: job completion (s) by point (0 = drf, 1 = slots) and framework"
"$SIM" scenarios/validation/drf-vs-slots.toml --out "$OUT/slots" --quiet
awk -F, 'NR > 1 { printf "  point %s %s: %s s\n", $1, $3, $8 }' "$OUT/slots/jobs.csv"
awk -F, 'NR > 1 && $NF == "" && $(NF-1) == "all" { printf "  point %s: cpu busy %s\n", $1, $15 }' "$OUT/slots/summary.csv"

echo "== Ramp-up: time to the k-th executor after 1200 s, mean over replications, by point (k = 4, 16, 64 × constant, exponential)"
"$SIM" scenarios/validation/ramp-up.toml --out "$OUT/ramp" --quiet 2>/dev/null
awk -F, 'NR > 1 { print $1, $2, $10 }' "$OUT/ramp/executors.csv" | sort -k1,1n -k2,2n -k3,3g |
    awk '{ k = ($1 < 2) ? 4 : ($1 < 4) ? 16 : 64; key = $1 " " $2; n[key]++; if (n[key] == k) { x = $3 - 1200; s[$1] += x; q[$1] += x * x; c[$1]++ } }
         END { for (p in s) { m = s[p] / c[p]; sd = sqrt((q[p] - c[p] * m * m) / (c[p] - 1));
               printf "  point %s: mean ramp-up %.1f +/- %.1f s (95 %% CI, t = 2.045) over %d replications\n", p, m, 2.045 * sd / sqrt(c[p]), c[p] } }' | sort

echo "== Omega: batch framework's mean wait (s) by point (allocator × offer_timeout × decision time)"
"$SIM" scenarios/validation/omega-decision-time.toml --out "$OUT/omega" --quiet
awk -F, 'NR > 1 && $3 == "batch" && $6 != "" { w[$1] += $6 - $5; n[$1]++ } END { for (p in w) printf "  point %s: %.2f s\n", p, w[p] / n[p] }' "$OUT/omega/jobs.csv" | sort -n -k2

echo "== Sharing: mean job time (s) per framework, shared and on a static quarter"
"$SIM" scenarios/validation/sharing.toml --out "$OUT/shared" --quiet
awk -F, 'NR > 1 && $7 != "" { t[$3] += $8; n[$3]++ } END { for (a in t) printf "  shared %s: %.1f\n", a, t[a] / n[a] }' "$OUT/shared/jobs.csv" | sort
for fw in facebook batch mpi spark; do
    sets="--set agents.0.count=10"
    for o in facebook batch mpi; do [ "$o" != "$fw" ] && sets="$sets --set frameworks.$o.start=2h"; done
    [ "$fw" != spark ] && sets="$sets --set apps.spark.start=2h"
    # shellcheck disable=SC2086
    "$SIM" scenarios/validation/sharing.toml --out "$OUT/alone-$fw" --quiet $sets
    awk -F, -v fw="$fw" 'NR > 1 && $3 == fw && $7 != "" { t += $8; n++ } END { printf "  alone %s: %.1f\n", fw, t / n }' "$OUT/alone-$fw/jobs.csv"
done

echo "== Hoarding rigid framework: utilisation of the slot-time it holds, mean over replications"
"$SIM" scenarios/validation/ramp-up-hoarding.toml --out "$OUT/hoard" --offers --quiet
awk -F, 'NR > 1 && $4 == "mpi" && $8 == "accepted" { h[$2] += $6 * ($10 - $3) }
    END { for (r in h) { x = 960 / (960 + h[r]); u += x; q += x * x; n++ } m = u / n; sd = sqrt((q - n * m * m) / (n - 1));
          printf "  utilisation %.3f +/- %.3f (95 %% CI, t = 2.045) over %d replications\n", m, 2.045 * sd / sqrt(n), n }' "$OUT/hoard/offers.csv"

echo "== Scalability: median and p95 job wait (s), allocation runs and their mean duration (s), by agents"
"$SIM" scenarios/validation/scalability.toml --out "$OUT/scale" --quiet
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR > 1 && $c["scope"] == "all" { printf "  %s agents: wait p50 %s, p95 %s; %s runs of %s s\n", $c["agents.0.count"], $c["wait_p50_s"], $c["wait_p95_s"], $c["allocation_runs"], $c["allocation_run_mean_s"] }' "$OUT/scale/summary.csv"
