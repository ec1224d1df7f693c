# shellcheck shell=bash
# Sourced by bench/run.sh (not run on its own).
# Helpers: logging, time, URLs, ports, /proc readings, medians.
die() { echo "bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# ---- small helpers ----
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
with_query() { if [[ $1 == *\?* ]]; then echo "$1&$2"; else echo "$1?$2"; fi; }
abs_url() { # base location
  case $2 in
    http://* | https://*) echo "$2" ;;
    /*) echo "$1$2" ;;
    *) echo "$1/$2" ;;
  esac
}
err() { ERRORS+=("$*"); log "ERROR: $*"; }

free_port() { # sets PORT
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ $USED_PORTS == *" $p "* ]] && continue
    if [[ -z $(ss -Hltn "( sport = :$p )" 2>/dev/null) ]]; then
      USED_PORTS+="$p "
      PORT=$p
      return 0
    fi
  done
  die "no free port"
}

# The PID of whatever listens on the port (the real server even behind a wrapper script).
listener_pid() { ss -Hltnp "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
kb_to_mib() { [[ -n $1 ]] && awk -v v="$1" 'BEGIN { printf "%.1f", v / 1024 }' || echo ERR; }
# ---- result bookkeeping: VALS[metric|idx] = space-separated per-run values ----
declare -A VALS
declare -a STARTUP
record() { VALS["$1|$2"]+="$3 "; }
median() {
  printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "ERR"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

