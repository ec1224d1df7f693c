# shellcheck shell=bash
# Sourced by bench/run.sh (not run on its own).
bcurl() { curl "${CURL_AUTH[@]}" "$@"; }

# ---- registry operations (each prints its result on stdout, returns non-zero on failure) ----
start_upload() { # base repo -> absolute upload URL
  local out code loc
  out=$(bcurl -sS -o "$TMP/resp" -X POST -H 'Content-Length: 0' -w '%{http_code} %header{location}' "$1/v2/$2/blobs/uploads/") || return 1
  code=${out%% *} loc=${out#* }
  if [[ $code != 202 || -z $loc ]]; then
    echo "POST /v2/$2/blobs/uploads/ -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
  abs_url "$1" "$loc"
}

push_blob() { # base repo file digest -> seconds for POST + PUT
  local t0 url code
  t0=$(now)
  url=$(start_upload "$1" "$2") || return 1
  code=$(bcurl -sS -o "$TMP/resp" -T "$3" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    -w '%{http_code}' "$(with_query "$url" "digest=$4")") || return 1
  if [[ $code != 201 ]]; then
    echo "PUT (monolithic) $2 -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
  elapsed "$t0" "$(now)"
}

push_chunked() { # base repo file chunk-MiB digest -> "total_seconds finalize_seconds"
  python3 "$HERE/chunked.py" "$1" "$2" "$3" "$4" "$5" "${AUTH_HEADER:-}"
}

pull_blob() { # base repo digest size -> seconds
  local out code got t
  out=$(bcurl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$1/v2/$2/blobs/$3") || return 1
  read -r code got t <<<"$out"
  if [[ $code != 200 || $got != "$4" ]]; then
    echo "GET blob $2 -> $code, $got of $4 bytes" >&2
    return 1
  fi
  echo "$t"
}

put_manifest() { # base repo reference file
  local code
  code=$(bcurl -sS -o "$TMP/resp" -T "$4" -H 'Expect:' -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    -w '%{http_code}' "$1/v2/$2/manifests/$3") || return 1
  if [[ $code != 201 ]]; then
    echo "PUT manifest $2:$3 -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
}

# wrk; prints "req_per_s p99_ms" and keeps the raw output in $TMP/wrk-<label>.txt
to_ms() { # "1.23ms" / "850.00us" / "1.02s" / "1.5m"
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}
run_wrk() { # label url [wrk header args...]
  local label=$1 url=$2 raw rps p99 bad
  shift 2
  if [[ $WRK_WARMUP != 0 ]]; then
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_WARMUP" "${WRK_AUTH[@]}" "$@" "$url" >/dev/null 2>&1
  fi
  raw="$TMP/wrk-$label.txt"
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency "${WRK_AUTH[@]}" "$@" "$url" >"$raw" 2>&1
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  p99=$(awk '$1 == "99%" { print $2 }' "$raw")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$raw")
  if [[ -n $bad ]]; then
    echo "wrk $label: $bad non-2xx responses" >&2
    return 1
  fi
  if grep -q 'Socket errors' "$raw"; then
    echo "wrk $label: $(grep 'Socket errors' "$raw" | sed 's/^ *//')" >&2
  fi
  [[ -n $rps && -n $p99 ]] || { echo "wrk $label: cannot parse output" >&2; return 1; }
  echo "$rps $(to_ms "$p99")"
}


# Many clients pulling at once: prints aggregate MiB/s. Args: url-file (one URL per line),
# with-auth (1: the registry's credentials; 0 for nginx), total bytes.
pull_parallel() {
  local n t0 codes bad auth=()
  [[ $2 == 1 ]] && auth=("${CURL_AUTH[@]}")
  n=$(wc -l <"$1")
  t0=$(now)
  codes=$(xargs -P "$n" -n 1 curl -s "${auth[@]}" -o /dev/null -w '%{http_code}\n' <"$1") || return 1
  bad=$(grep -vc '^200$' <<<"$codes")
  ((bad == 0)) || { echo "concurrent pulls: $bad of $n not 200" >&2; return 1; }
  awk -v b="$3" -v a="$t0" -v e="$(now)" 'BEGIN { printf "%.1f", b / 1048576 / (e - a) }'
}

# dd with an fsync of a new file on the registries' file system: prints MiB/s.
dd_fsync() { # file size-bytes
  local out="$TMP/dd.out" t0 t
  t0=$(now)
  dd if="$1" of="$out" bs=1M conv=fsync status=none || return 1
  t=$(elapsed "$t0" "$(now)")
  rm -f "$out"
  awk -v s="$2" -v t="$t" 'BEGIN { printf "%.1f", s / 1048576 / t }'
}
