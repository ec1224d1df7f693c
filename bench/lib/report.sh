# shellcheck shell=bash
# Sourced by bench/run.sh (not run on its own). The report: one table, medians of the runs.
# VALS["key|idx"] holds per-run values; idx is a registry's index or "ref" (nginx or dd).

# key | label | unit | better (hi/lo) | printf format | reference (nginx, dd or empty)
metric_specs() {
  local c
  echo "pull_mbs|Pull ${SIZE_MB} MiB, one client (page cache warm)|MiB/s|hi|%.0f|nginx"
  echo "cpull_mbs|${CONC_CLIENTS} concurrent pulls of ${CONC_MB} MiB blobs (${CONC_BLOBS} blobs), aggregate|MiB/s|hi|%.0f|nginx"
  echo "mono_mbs|Monolithic push ${SIZE_MB} MiB (POST + one PUT)|MiB/s|hi|%.0f|dd"
  for c in $CHUNK_MB; do
    echo "chunk${c}_mbs|Chunked push ${SIZE_MB} MiB, ${c} MiB PATCHes, one keep-alive connection|MiB/s|hi|%.0f|dd"
    echo "final${c}|Chunked push (${c} MiB): finalize PUT alone|ms|lo|%.1f|"
  done
  echo "man_rps|Manifest GET (wrk -c${WRK_CONNECTIONS})|req/s|hi|%.0f|"
  echo "man_p99|Manifest GET p99 latency|ms|lo|%.2f|"
  echo "tags_rps|Tag list GET, $((TAG_COUNT + 1)) tags (wrk -c${WRK_CONNECTIONS})|req/s|hi|%.0f|"
  echo "tags_p99|Tag list GET p99 latency|ms|lo|%.2f|"
  echo "startup|Start → first 200 on /v2/|ms|lo|%.0f|"
  echo "rss_idle|RSS idle (VmRSS ${SETTLE_S}s after start)|MiB|lo|%.1f|"
  echo "rss_peak|RSS peak (VmHWM after all runs)|MiB|lo|%.1f|"
}
value() { # key idx -> median or ERR
  case $1 in
    startup) [[ -n ${STARTUP[$2]:-} ]] && awk -v v="${STARTUP[$2]}" 'BEGIN { print v * 1000 }' || echo ERR ;;
    rss_idle) echo "${RSS_IDLE[$2]:-ERR}" ;;
    rss_peak) echo "${RSS_PEAK[$2]:-ERR}" ;;
    *) median ${VALS["$1|$2"]:-} ;;
  esac
}
fmt() { [[ $2 == ERR || -z $2 ]] && echo "error" || awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; }
ratio() { # better x reference: >1 means x is better
  [[ $2 == ERR || $3 == ERR || -z $3 ]] && { echo "–"; return; }
  awk -v b="$1" -v x="$2" -v d="$3" 'BEGIN {
    r = (b == "hi") ? (d > 0 ? x / d : -1) : (x > 0 ? d / x : -1)
    if (r < 0) print "–"; else printf "%.2f×", r }'
}

table() {
  local header="| | unit |" sep="|---|---|" line k label unit better f ref i rv
  for ((i = 0; i < NREG; i++)); do header+=" ${NAMES[$i]} |"; sep+="---:|"; done
  header+=" nginx sendfile / dd conv=fsync |"; sep+="---:|"
  for ((i = 0; i < DIST; i++)); do header+=" ${NAMES[$i]} ÷ distribution |"; sep+="---:|"; done
  for ((i = 0; i < DIST; i++)); do header+=" ${NAMES[$i]} ÷ nginx / dd |"; sep+="---:|"; done
  echo "$header"
  echo "$sep"
  while IFS='|' read -r k label unit better f ref; do
    line="| $label | $unit |"
    for ((i = 0; i < NREG; i++)); do line+=" $(fmt "$f" "$(value "$k" "$i")") |"; done
    rv=ERR
    if [[ -n $ref ]]; then
      rv=$(value "$k" ref)
      line+=" $(fmt "$f" "$rv") ($ref) |"
    else
      line+=" |"
    fi
    for ((i = 0; i < DIST; i++)); do line+=" $(ratio "$better" "$(value "$k" "$i")" "$(value "$k" "$DIST")") |"; done
    for ((i = 0; i < DIST; i++)); do
      if [[ -n $ref ]]; then line+=" $(ratio "$better" "$(value "$k" "$i")" "$rv") |"; else line+=" |"; fi
    done
    echo "$line"
  done < <(metric_specs)
}

report() {
  local i
  echo "# Berth vs distribution 2.8.2 — $DATE"
  echo
  echo "- Machine: $(nproc) CPUs ($CPU), $MEM RAM, $(uname -sr); data on $FS ($BENCH_TMPDIR); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Access control: $AUTH_DESC. Metrics: Berth's defaults (on)."
  echo "- Blob ${SIZE_MB} MiB, ${RUNS} interleaved run(s) per row, median shown; every push is a new digest; every blob is pulled once unmeasured first, so pulls read from the page cache; wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${WRK_DURATION}; an unmeasured ${WARMUP_MB} MiB push+pull first"
  for ((i = 0; i < NREG; i++)); do echo "- ${NAMES[$i]}: \`${CMDS[$i]}\` (pid ${PIDS[$i]:-?})"; done
  echo "- References in the same run: nginx $NGINX_VERSION serving the same bytes (sendfile on), \`dd if=blob of=<new file on the registries' file system> bs=1M conv=fsync\`"
  echo "- $JAVA_VERSION; $DIST_VERSION"
  echo
  echo "Ratios: **>1× always means Berth is better** (throughputs Berth ÷ other, times and sizes other ÷ Berth)."
  echo
  table
  if ((${#ERRORS[@]})); then
    echo
    echo "Errors:"
    for e in "${ERRORS[@]}"; do echo "- $e"; done
  fi
}

raw() {
  local k
  echo
  echo "## Raw numbers (per run, in run order)"
  echo
  echo "| key | values |"
  echo "|---|---|"
  for k in "${!VALS[@]}"; do echo "| $k | ${VALS[$k]} |"; done | sort
}
