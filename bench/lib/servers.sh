# shellcheck shell=bash
# Sourced by bench/run.sh (not run on its own).
# Starting and stopping the registries and nginx.
stop_one() { # idx
  local i=$1 p
  for p in ${PIDS[$i]:-} ${LAUNCH_PIDS[$i]:-}; do
    kill -TERM "$p" 2>/dev/null
  done
  for _ in $(seq 100); do
    kill -0 "${PIDS[$i]:-0}" 2>/dev/null || kill -0 "${LAUNCH_PIDS[$i]:-0}" 2>/dev/null || break
    sleep 0.1
  done
  for p in ${PIDS[$i]:-} ${LAUNCH_PIDS[$i]:-}; do
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  done
  [[ -n ${LAUNCH_PIDS[$i]:-} ]] && wait "${LAUNCH_PIDS[$i]}" 2>/dev/null
  PIDS[$i]="" LAUNCH_PIDS[$i]=""
}
cleanup() {
  local i
  trap - EXIT INT TERM
  stop_nginx
  for ((i = 0; i < NREG; i++)); do stop_one "$i"; done
  if [[ $KEEP_TMP == 1 ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}

write_dist_config() { # file data port
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: error"
    echo "  accesslog: {disabled: true}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $2}"
    echo "  delete: {enabled: true}"
    echo "  maintenance: {uploadpurging: {enabled: false}}"
    [[ -n $DIST_CACHE ]] && echo "  cache: {blobdescriptor: $DIST_CACHE}"
    [[ $BENCH_AUTH == 1 ]] && echo "auth: {htpasswd: {realm: bench, path: $TMP/htpasswd}}"
    echo "http:"
    echo "  addr: 127.0.0.1:$3"
  } >"$1"
}

start_one() { # idx; sets STARTUP[idx]
  local i=$1 data="$TMP/data-$1" logf="$TMP/server-$1.log" t0 code pid
  mkdir -p "$data"
  free_port
  PORTS[$i]=$PORT BASES[$i]="http://127.0.0.1:$PORT" LOGS[$i]=$logf DATAS[$i]=$data
  t0=$(now)
  if [[ ${KINDS[$i]} == berth ]]; then
    env "${BERTH_AUTH_ENV[@]}" BERTH_STORAGE_FILESYSTEM_ROOT="$data" QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
      QUARKUS_LOG_LEVEL="${BENCH_LOG_LEVEL:-WARN}" \
      bash -c "exec ${CMDS[$i]}" >"$logf" 2>&1 </dev/null &
  else
    write_dist_config "$TMP/dist-config.yml" "$data" "$PORT"
    CMDS[$i]="$DIST_CMD serve $TMP/dist-config.yml"
    bash -c "exec $DIST_CMD serve '$TMP/dist-config.yml'" >"$logf" 2>&1 </dev/null &
  fi
  LAUNCH_PIDS[$i]=$!
  PIDS[$i]=""
  while :; do
    code=$(bcurl -s -o /dev/null -m 2 -w '%{http_code}' "${BASES[$i]}/v2/")
    [[ $code == 200 ]] && break
    if ! kill -0 "${LAUNCH_PIDS[$i]}" 2>/dev/null; then
      tail -30 "$logf" >&2
      die "${NAMES[$i]} exited during startup (command: ${CMDS[$i]})"
    fi
    if awk -v a="$t0" -v b="$(now)" -v t="$START_TIMEOUT_S" 'BEGIN { exit !(b - a > t) }'; then
      tail -30 "$logf" >&2
      die "${NAMES[$i]} not ready after ${START_TIMEOUT_S}s (GET /v2/ -> $code)"
    fi
    sleep 0.05
  done
  STARTUP[$i]=$(elapsed "$t0" "$(now)")
  pid=$(listener_pid "$PORT")
  PIDS[$i]=${pid:-${LAUNCH_PIDS[$i]}}
  log "${NAMES[$i]} ready on ${BASES[$i]} in ${STARTUP[$i]}s (pid ${PIDS[$i]}: $(tr '\0' ' ' </proc/${PIDS[$i]}/cmdline | cut -c1-100))"
}


# nginx serving $TMP/www with sendfile: the reference for pulls. Sets NGINX_BASE.
start_nginx() {
  mkdir -p "$TMP/www"
  free_port
  cat >"$TMP/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; user root;
error_log $TMP/nginx.err; pid $TMP/nginx.pid;
events { worker_connections 256; }
http { sendfile on; tcp_nopush on; access_log off;
  server { listen 127.0.0.1:$PORT; root $TMP/www; } }
CONF
  nginx -c "$TMP/nginx.conf" >"$TMP/nginx.log" 2>&1 </dev/null &
  NGINX_PID=$!
  NGINX_BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$NGINX_BASE/") =~ ^(200|403|404)$ ]] && return 0
    sleep 0.05
  done
  die "nginx did not start: $(cat "$TMP/nginx.err" 2>/dev/null | tail -3)"
}
stop_nginx() { [[ -n ${NGINX_PID:-} ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null; NGINX_PID=""; }

# Basic auth with the same bcrypt account on every registry (BENCH_AUTH=1), as a user runs them.
setup_auth() {
  CURL_AUTH=() WRK_AUTH=() BERTH_AUTH_ENV=() AUTH_HEADER=""
  if [[ $BENCH_AUTH != 1 ]]; then
    AUTH_DESC="off (BENCH_AUTH=0)"
    return
  fi
  htpasswd -nbB bench bench-secret >"$TMP/htpasswd" 2>/dev/null || die "htpasswd failed (apt-get install apache2-utils)"
  CURL_AUTH=(-u bench:bench-secret)
  AUTH_HEADER="Basic $(printf 'bench:bench-secret' | base64)"
  WRK_AUTH=(-H "Authorization: $AUTH_HEADER")
  BERTH_AUTH_ENV=(BERTH_AUTH_MODE=basic BERTH_AUTH_HTPASSWD="$TMP/htpasswd")
  AUTH_DESC="HTTP Basic against one bcrypt htpasswd account on every registry (Berth berth.auth.mode=basic, distribution auth.htpasswd)"
}
# Without credentials every registry must refuse: otherwise the numbers would not be with auth.
check_auth() {
  local i code
  [[ $BENCH_AUTH == 1 ]] || return 0
  for ((i = 0; i < NREG; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "${BASES[$i]}/v2/")
    [[ $code == 401 ]] || die "${NAMES[$i]} answers $code without credentials: auth is not on"
  done
}
