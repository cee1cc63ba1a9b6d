#!/usr/bin/env bash
# Runs the whole-guest workloads in QEMU TCG and in HVE on each backend, several times and
# interleaved, checks that every run printed the expected RESULT line and ended with the
# success status, and prints a table of medians.
#
# Usage: bench/compare.sh [options] [WORKLOAD...]
#   -n, --reps N        repetitions of every (workload, runner) pair (default 3)
#   --backends LIST     HVE backends, comma-separated (default vmx,svm)
#   --no-qemu           HVE only
#   --no-demo           skip timing the demo guest (`hve run` with no kernel; on by default
#                       without --smoke)
#   --smoke             tiny iteration counts, HVE only, one repetition, no timing claims;
#                       finishes in seconds (the test command runs this so the benchmarks can't rot)
#   --timeout SECONDS   per run (default 600; 60 with --smoke)
#   --csv FILE          also write every run as CSV (default bench/build/results-<profile>.csv)
#   WORKLOAD            names from workloads/workloads.conf (default: all)
#
# Environment:
#   HVE        the HVE runner command (default: the repository's ./hve). For example
#              HVE="java -jar hve-cli/target-bench/hve-cli.jar"
#   HVE_BENCH_JAR
#              the hve-bench benchmarks jar that --smoke runs its workloads with, all in one JVM
#              (default: hve-bench/target/benchmarks.jar; without one, --smoke starts the runner
#              once per run, which takes longer)
#   QEMU       the QEMU binary (default: qemu-system-x86_64; installed with apt-get if missing)
#   BENCH_PENDING_FEATURES
#              platform features not there yet (default below). An HVE run of a workload that
#              needs one of them and fails is reported as "pending" and does not fail the
#              script; once such a run passes, the script says so.
#
# Exit status: 0 when every run passed (pending ones aside), 1 otherwise, 2 on bad usage.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

reps=3
backends=vmx,svm
use_qemu=1
run_demo=1
smoke=0
timeout_s=""
csv=""
wanted=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--reps) reps=$2; shift ;;
    --backends) backends=$2; shift ;;
    --no-qemu) use_qemu=0 ;;
    --no-demo) run_demo=0 ;;
    --smoke) smoke=1 ;;
    --timeout) timeout_s=$2; shift ;;
    --csv) csv=$2; shift ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    *) wanted+=("$1") ;;
  esac
  shift
done
case "$reps" in ''|*[!0-9]*|0) echo "compare.sh: --reps needs a positive number" >&2; exit 2 ;; esac

# Features the platform or core does not provide yet (see workloads.conf "needs"). Empty now
# that every workload runs on both backends; list one here (or in the environment) only while
# it is being rebuilt, and take it off once it is back, so that its workloads must pass again.
pending_features=${BENCH_PENDING_FEATURES-""}

if [ "$smoke" = 1 ]; then
  profile=smoke
  reps=1
  use_qemu=0
  timeout_s=${timeout_s:-60}
else
  profile=full
  timeout_s=${timeout_s:-600}
fi
build="$here/build/$profile"
csv=${csv:-$here/build/results-$profile.csv}

# ---- build the workloads ----------------------------------------------------------------
build_args=()
[ "$smoke" = 1 ] && build_args+=(--smoke)
"$here/build.sh" "${build_args[@]}" --out "$build" "${wanted[@]}" || { echo "compare.sh: building the workloads failed" >&2; exit 1; }
workloads=()
while IFS='|' read -r name _; do
  name=$(echo "$name" | tr -d '[:space:]')
  case "$name" in ''|'#'*) continue ;; esac
  if [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $name "* ]]; then
    workloads+=("$name")
  fi
done <"$here/workloads/workloads.conf"

# ---- the runners -------------------------------------------------------------------------
read -r -a hve_cmd <<<"${HVE:-$root/hve}"
qemu=${QEMU:-qemu-system-x86_64}
# shellcheck source=ensure-qemu.sh
source "$here/ensure-qemu.sh"
if [ "$use_qemu" = 1 ]; then
  ensure_qemu "$qemu" compare.sh || exit 1
fi
runners=()
[ "$use_qemu" = 1 ] && runners+=(tcg)
IFS=',' read -r -a backend_list <<<"$backends"
for b in "${backend_list[@]}"; do runners+=("$b"); done
[ ${#runners[@]} -eq 0 ] && { echo "compare.sh: nothing to run (no QEMU and no backend)" >&2; exit 2; }

# Smoke mode runs the workloads in one JVM from the benchmarks jar when there is one.
bench_jar=""
if [ "$smoke" = 1 ]; then
  for candidate in "${HVE_BENCH_JAR:-}" "$root/hve-bench/target/benchmarks.jar"; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then
      bench_jar=$candidate
      break
    fi
  done
  if [ -z "$bench_jar" ]; then
    echo "compare.sh: no benchmarks jar (build hve-bench or set HVE_BENCH_JAR); one runner process per run" >&2
  elif [ -z "${HVE_BENCH_JAR:-}" ] && [ -n "$(find "$root"/hve-*/src/main "$root/bench/jmh-guests" -newer "$bench_jar" -type f -print -quit 2>/dev/null)" ]; then
    echo "compare.sh: $bench_jar is older than the sources; one runner process per run instead" >&2
    bench_jar=""
  fi
fi
if [ "$smoke" = 0 ]; then
  # Make sure the HVE runner is built before anything is timed.
  "${hve_cmd[@]}" --help >/dev/null 2>&1 || true
fi

# ---- one run -----------------------------------------------------------------------------
# Sets: r_status r_wall r_instr r_runtime r_mips r_verdict r_detail
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/hve-compare.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT

now_ns() { date +%s%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# GNU time gives each run's peak resident set size (the issue's memory target).
gnu_time=""
[ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null && gnu_time=/usr/bin/time

run_one() {
  local workload=$1 runner=$2
  local elf="$build/$workload.elf" memory
  memory=$(cat "$build/$workload.memory")
  local out="$tmpdir/out" err="$tmpdir/err"
  local start end
  start=$(now_ns)
  local measure=()
  rm -f "$tmpdir/rss"
  [ -n "$gnu_time" ] && measure=("$gnu_time" -f %M -o "$tmpdir/rss")
  if [ "$runner" = tcg ]; then
    "${measure[@]}" timeout "$timeout_s" "$qemu" -accel tcg -m "$memory" -kernel "$elf" \
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 -display none -serial stdio -no-reboot \
      </dev/null >"$out" 2>"$err"
    r_status=$?
  else
    "${measure[@]}" timeout "$timeout_s" "${hve_cmd[@]}" run --backend "$runner" --stats -q -m "$memory" "$elf" \
      </dev/null >"$out" 2>"$err"
    r_status=$?
  fi
  end=$(now_ns)
  r_wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  r_rss=""
  [ -s "$tmpdir/rss" ] && r_rss=$(awk '/^[0-9]+$/ { printf "%.0f", $1 / 1024 }' "$tmpdir/rss")
  r_instr=$(awk '/^retired instructions/ { print $NF }' "$err")
  r_runtime=$(awk '/^wall time \(s\)/ { print $NF }' "$err")
  r_mips=$(awk '/^guest MIPS/ { print $NF }' "$err")
  if [ "$runner" != tcg ] && [ "$r_status" -ne 124 ] && { [ -z "$r_instr" ] || [ -z "$r_runtime" ]; }; then
    # --stats output is part of the contract this script relies on.
    r_stats_missing=1
  else
    r_stats_missing=0
  fi
  judge "$workload" "$out" "$(grep -v '^ \|^----\|^exits\|^retired\|^wall\|^guest MIPS' "$err" | tail -n 2 | tr '\n' ' ')"
  if [ "$r_stats_missing" = 1 ] && [ "$r_verdict" = ok ]; then
    r_verdict=FAIL
    r_detail="the runner printed no --stats table (retired instructions, wall time) on stderr"
  fi
}

# Sets r_verdict and r_detail from r_status and the serial output in file $2.
judge() {
  local workload=$1 out=$2 stderr_tail=$3
  local expected got
  expected=$(cat "$build/$workload.expected")
  got=$(tr -d '\r' <"$out" | grep -a '^RESULT' | head -n 1)
  if [ "$r_status" -eq 67 ] && [ "$got" = "$expected" ]; then
    r_verdict=ok
    r_detail=""
    return
  fi
  r_verdict=FAIL
  if [ "$r_status" -eq 124 ]; then
    r_detail="timed out after ${timeout_s}s"
  elif [ "$got" != "$expected" ]; then
    r_detail="status $r_status; printed '${got:-nothing}', expected '$expected'"
  else
    r_detail="status $r_status (expected 67)"
  fi
  [ -n "$stderr_tail" ] && r_detail="$r_detail; ${stderr_tail:0:300}"
}

# Smoke mode: every (workload, backend) run in one JVM (dev.hve.bench.WorkloadBatch), since a
# JVM start per tiny run would dominate. Fills batch_* arrays keyed by workload/backend.
declare -A batch_status=() batch_instr=() batch_run=() batch_outcome=()
run_batch() {
  local args=() workload runner
  for workload in "${workloads[@]}"; do
    for runner in "${runners[@]}"; do
      args+=("$runner|$(cat "$build/$workload.memory")|$build/$workload.elf|$tmpdir/serial-$workload-$runner")
    done
  done
  timeout "$timeout_s" java -cp "$bench_jar" dev.hve.bench.WorkloadBatch --timeout-ms $((timeout_s * 1000)) \
    "${args[@]}" </dev/null >"$tmpdir/batch.out" 2>"$tmpdir/batch.err"
  local line key kernel backend
  while read -r line; do
    backend=$(sed -n 's/.* backend=\([^ ]*\).*/\1/p' <<<"$line")
    kernel=$(sed -n 's/.* kernel=\([^ ]*\).*/\1/p' <<<"$line")
    workload=$(basename "$kernel" .elf)
    key="$workload/$backend"
    batch_status[$key]=$(sed -n 's/.* status=\([0-9]*\).*/\1/p' <<<"$line")
    batch_instr[$key]=$(sed -n 's/.* instructions=\([0-9]*\).*/\1/p' <<<"$line")
    batch_run[$key]=$(sed -n 's/.* run_s=\([0-9.]*\).*/\1/p' <<<"$line")
    batch_outcome[$key]=$(sed -n 's/.* outcome=\(.*\)/\1/p' <<<"$line")
  done < <(grep '^RUN ' "$tmpdir/batch.out")
}

batch_result() {
  local workload=$1 runner=$2 key="$1/$2"
  r_wall=""
  r_mips=""
  r_rss=""
  if [ -z "${batch_status[$key]:-}" ]; then
    r_status=70
    r_instr=""
    r_runtime=""
    r_verdict=FAIL
    r_detail="no result from WorkloadBatch: $(tail -n 3 "$tmpdir/batch.err" | tr '\n' ' ')"
    return
  fi
  r_status=${batch_status[$key]}
  r_instr=${batch_instr[$key]}
  r_runtime=${batch_run[$key]}
  judge "$workload" "$tmpdir/serial-$workload-$runner" "${batch_outcome[$key]}"
}

needs_pending() {
  local needs
  needs=$(cat "$build/$1.needs")
  local f
  for f in $needs; do
    [[ " $pending_features " == *" $f "* ]] && { echo "$f"; return 0; }
  done
  return 1
}

# ---- the runs, interleaved ---------------------------------------------------------------
failures=0
declare -A fail_note=() pending_note=()
mkdir -p "$(dirname "$csv")"
echo "rep,workload,runner,status,verdict,wall_s,run_s,instructions,mips,max_rss_mib" >"$csv"
if [ "$smoke" = 1 ] && [ -n "$bench_jar" ]; then
  run_batch
  # One run through the real runner too, so its command line and --stats output can't rot.
  run_one "${workloads[0]}" "${runners[0]}"
  echo "  runner check: ${hve_cmd[*]} run --backend ${runners[0]} ${workloads[0]}: $r_verdict $r_detail" >&2
  if [ "$r_verdict" != ok ] && ! needs_pending "${workloads[0]}" >/dev/null; then
    failures=$((failures + 1))
    fail_note["${workloads[0]}/${runners[0]} (hve run)"]=$r_detail
  fi
fi
for ((rep = 1; rep <= reps; rep++)); do
  for workload in "${workloads[@]}"; do
    for runner in "${runners[@]}"; do
      if [ "$smoke" = 1 ] && [ -n "$bench_jar" ]; then
        batch_result "$workload" "$runner"
      else
        run_one "$workload" "$runner"
      fi
      key="$workload/$runner"
      verdict=$r_verdict
      if [ "$verdict" = FAIL ] && [ "$runner" != tcg ] && feature=$(needs_pending "$workload"); then
        verdict=pending
        pending_note[$key]="needs $feature: $r_detail"
      elif [ "$verdict" = FAIL ]; then
        failures=$((failures + 1))
        fail_note[$key]=$r_detail
      elif [ "$runner" != tcg ] && feature=$(needs_pending "$workload"); then
        pending_note[$key]="passes although '$feature' is listed as pending: remove it from BENCH_PENDING_FEATURES"
      fi
      echo "$rep,$workload,$runner,$r_status,$verdict,$r_wall,${r_runtime:-},${r_instr:-},${r_mips:-},${r_rss:-}" >>"$csv"
      printf '  rep %d %-7s %-4s %-7s %s %s\n' "$rep" "$workload" "$runner" "$verdict" "${r_wall:+wall ${r_wall}s}" \
        "${r_instr:+instr $r_instr}" >&2
    done
  done
done

# ---- the demo guest: `hve run` with no kernel, the issue's start-up target --------------------
demo_lines=()
if [ "$smoke" = 0 ] && [ "$run_demo" = 1 ]; then
  for runner in "${runners[@]}"; do
    [ "$runner" = tcg ] && continue
    walls=()
    demo_ok=0
    for ((rep = 1; rep <= reps; rep++)); do
      start=$(now_ns)
      timeout "$timeout_s" "${hve_cmd[@]}" run --backend "$runner" -q </dev/null >"$tmpdir/demo.out" 2>"$tmpdir/demo.err"
      status=$?
      end=$(now_ns)
      if [ "$status" -eq 0 ] && grep -q "Hello from HVE" "$tmpdir/demo.out"; then
        demo_ok=$((demo_ok + 1))
        walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
      else
        failures=$((failures + 1))
        fail_note["demo/$runner"]="status $status: $(tail -n 2 "$tmpdir/demo.err" | tr '\n' ' ')"
      fi
    done
    med=$(printf '%s\n' "${walls[@]}" | grep . | median)
    demo_lines+=("$(printf '%-8s %-6s %-8s %10s' demo "$runner" "$demo_ok/$reps ok" "${med:--}")")
  done
fi

# ---- the table ---------------------------------------------------------------------------
# Medians over the runs that passed, per (workload, runner).
column_of() { # workload runner column-number
  awk -F, -v w="$1" -v r="$2" -v c="$3" 'NR > 1 && $2 == w && $3 == r && $5 == "ok" && $c != "" { print $c }' "$csv" | median
}
echo
if [ "$smoke" = 1 ]; then
  echo "HVE benchmark smoke run (tiny iteration counts; the times below are not measurements)"
else
  echo "HVE vs QEMU TCG, medians of $reps run(s); wall = whole process (JVM or QEMU start included),"
  echo "run = HVE's own guest run time from --stats; MIPS = HVE retired instructions / run time;"
  echo "HVE/TCG = wall-time ratio on the same binary (>1: HVE is slower)"
fi
printf '%-8s %-6s %-8s %10s %10s %14s %10s %9s %9s\n' workload runner result "wall(s)" "run(s)" instructions MIPS "HVE/TCG" "RSS(MiB)"
for workload in "${workloads[@]}"; do
  tcg_wall=""
  [ "$use_qemu" = 1 ] && tcg_wall=$(column_of "$workload" tcg 6)
  for runner in "${runners[@]}"; do
    key="$workload/$runner"
    oks=$(awk -F, -v w="$workload" -v r="$runner" 'NR > 1 && $2 == w && $3 == r && $5 == "ok"' "$csv" | wc -l)
    pend=$(awk -F, -v w="$workload" -v r="$runner" 'NR > 1 && $2 == w && $3 == r && $5 == "pending"' "$csv" | wc -l)
    result="$oks/$reps ok"
    [ "$pend" -gt 0 ] && result="pending"
    wall=$(column_of "$workload" "$runner" 6)
    run=$(column_of "$workload" "$runner" 7)
    instr=$(column_of "$workload" "$runner" 8)
    mips=$(column_of "$workload" "$runner" 9)
    rss=$(column_of "$workload" "$runner" 10)
    ratio=""
    if [ "$runner" != tcg ] && [ -n "$tcg_wall" ] && [ -n "$wall" ]; then
      ratio=$(awk -v a="$wall" -v b="$tcg_wall" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
    fi
    printf '%-8s %-6s %-8s %10s %10s %14s %10s %9s %9s\n' "$workload" "$runner" "$result" "${wall:--}" "${run:--}" \
      "${instr:--}" "${mips:--}" "${ratio:--}" "${rss:--}"
  done
done
if [ ${#demo_lines[@]} -gt 0 ]; then
  echo
  echo "demo guest (\`hve run\` with no kernel: JVM start, boot, \"Hello from HVE\", reset), median wall(s):"
  printf '%s\n' "${demo_lines[@]}"
fi
if [ ${#pending_note[@]} -gt 0 ]; then
  echo
  echo "pending (workloads that need a feature listed in BENCH_PENDING_FEATURES=\"$pending_features\"):"
  for key in $(printf '%s\n' "${!pending_note[@]}" | sort); do
    echo "  $key: ${pending_note[$key]}"
  done
fi
if [ "$failures" -gt 0 ]; then
  echo
  echo "FAILED runs:"
  for key in $(printf '%s\n' "${!fail_note[@]}" | sort); do
    echo "  $key: ${fail_note[$key]}"
  done
fi
echo
echo "raw runs: $csv"
passed=$(awk -F, 'NR > 1 && $5 == "ok"' "$csv" | wc -l)
pending=$(awk -F, 'NR > 1 && $5 == "pending"' "$csv" | wc -l)
echo "bench: $passed passed, $failures failed, $pending skipped"
[ "$failures" -eq 0 ]
