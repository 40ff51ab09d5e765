#!/usr/bin/env bash
# Vector env scaling on this machine: total env steps/s of SyncVectorEnv and ThreadedVectorEnv with 1, 2 and 4
# copies of each task, measured with `rlalign bench envs` (random actions). Every configuration runs once per
# repetition, the repetitions interleaved so that changing machine load falls on all alike; the table gives the
# median over the repetitions and the speed-up over the sync vector env with one copy. As a control of what the
# machine offers at the time, each repetition also runs two independent single-env processes side by side: their
# summed rate over one process's rate is the parallelism actually available (2 on two idle cores).
#   envs/RlAlign.Envs.MuJoCo/bench/vector_scaling.sh [REPETITIONS] [ID=STEPS ...]
# STEPS are vector steps per run (each steps every copy once).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
repetitions="${1:-3}"
shift || true
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(HalfCheetah-v5=4000 Hopper-v5=2000)

dotnet build -c Release "$root/src/RlAlign.Cli" -v q -nologo >/dev/null
cli="$(find "$root/src/RlAlign.Cli/bin/Release" -name rlalign -type f -perm -u+x | head -n 1)"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

for ((r = 1; r <= repetitions; r++)); do
  for task in "${tasks[@]}"; do
    id="${task%%=*}"
    steps="${task##*=}"
    for n in 1 2 4; do
      for mode in sync threaded; do
        flags=(--num-envs "$n")
        [ "$mode" = threaded ] && flags+=(--threaded)
        rate="$("$cli" bench envs "$id" --steps "$steps" "${flags[@]}" | awk -F'│' -v id="$id" '$2 ~ id { gsub(/[ ,]/, "", $3); print $3 }')"
        echo "$id $n $mode $rate" >>"$results"
        echo "rep $r $id $n envs $mode: $rate steps/s" >&2
      done
    done
    for p in 1 2; do "$cli" bench envs "$id" --steps "$steps" >"$results.$p" & done
    wait
    pair=$(awk -F'│' -v id="$id" '$2 ~ id { gsub(/[ ,]/, "", $3); sum += $3 } END { print sum }' "$results.1" "$results.2")
    rm -f "$results.1" "$results.2"
    echo "$id 2 processes $pair" >>"$results"
    echo "rep $r $id two processes side by side: $pair steps/s together" >&2
  done
done

echo "| task | envs | SyncVectorEnv steps/s | ThreadedVectorEnv steps/s | sync speed-up | threaded speed-up |"
echo "|---|---|---|---|---|---|"
for task in "${tasks[@]}"; do
  id="${task%%=*}"
  awk -v id="$id" '
    function median(list,   a, n, i, j, t) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
                                             return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == id { rates[$2 " " $3] = rates[$2 " " $3] " " $4 }
    END { base = median(rates["1 sync"])
          for (n = 1; n <= 4; n *= 2) { s = median(rates[n " sync"]); t = median(rates[n " threaded"])
            printf "| %s | %d | %.0f | %.0f | %.2fx | %.2fx |\n", id, n, s, t, s / base, t / base }
          p = median(rates["2 processes"])
          printf "| %s | control: 2 processes × 1 env | %.0f (together) | | %.2fx | |\n", id, p, p / base }' "$results"
done
