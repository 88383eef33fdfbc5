#!/usr/bin/env bash
# A throwaway Virtuoso for tests/exchange/test_sparql_push.py.
#
#   tests/servers/virtuoso.sh start DIR   install virtuoso-opensource-7-bin if virtuoso-t is missing
#                                         (needs root, apt), start a server with its database in DIR,
#                                         listening on 127.0.0.1 only, and write DIR/env
#   tests/servers/virtuoso.sh stop DIR    stop that server and delete DIR (safe to run twice)
#
# DIR/env holds, for the tests:
#   CASEGRAPH_TEST_SPARQL_STORE=http://127.0.0.1:PORT   (/sparql, /sparql-graph-crud and the -auth ones)
#   CASEGRAPH_TEST_SPARQL_USER=dba, CASEGRAPH_TEST_SPARQL_PASSWORD=(random, for the -auth endpoints)
# The anonymous SPARQL user may update (/sparql and /sparql-graph-crud): only for a test server.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
HTTP_PORT=${CASEGRAPH_VIRTUOSO_HTTP_PORT:-8891}  # first ports tried; the next free ones are used if taken
ISQL_PORT=${CASEGRAPH_VIRTUOSO_ISQL_PORT:-1112}
WAIT_SECONDS=60
MARKER=.casegraph-test-virtuoso  # stop deletes only a directory that start set up

NAME=virtuoso.sh
# shellcheck source=common.sh
. "$HERE/common.sh"

install_virtuoso() {
  command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null && return
  [[ $(id -u) == 0 ]] ||
    die "virtuoso-t is not installed and installing it needs root: sudo apt-get install virtuoso-opensource-7-bin"
  command -v apt-get >/dev/null || die "virtuoso-t is not installed and there is no apt-get to install it"
  say "installing virtuoso-opensource-7-bin"
  local started=$SECONDS log
  log=$(mktemp)
  # wait for another apt to finish rather than fail on its lock
  if ! { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q \
         && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
              --no-install-recommends virtuoso-opensource-7-bin; } >"$log" 2>&1; then
    tail -20 "$log" >&2; rm -f "$log"
    die "could not install virtuoso-opensource-7-bin (apt output above)"
  fi
  rm -f "$log"
  say "installed in $((SECONDS - started)) s"
}

server_pid() { [[ -f $1/virtuoso.lck ]] && sed -n 's/^VIRT_PID=//p' "$1/virtuoso.lck"; }

answers() {  # does /sparql at $1 answer an ASK query?
  python3 - "$1" <<'EOF'
import sys, urllib.parse, urllib.request
try:
    url = sys.argv[1] + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    with urllib.request.urlopen(url, timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
EOF
}

isql() {  # run SQL from stdin as dba (password $2) on ISQL port $1; fail on any SQL error
  local out
  out=$(isql-vt "127.0.0.1:$1" dba "$2" 'VERBOSE=OFF' 'ERRORS=STDOUT' 2>&1) || die "isql-vt failed: $out"
  if grep -q '\*\*\* Error' <<<"$out"; then die "SQL failed: $(grep -m1 -A1 '\*\*\* Error' <<<"$out" | tr '\n' ' ')"; fi
}

start() {
  local dir=$1 started=$SECONDS http isql_port attempt pid
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if pid=$(server_pid "$dir") && [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    die "a Virtuoso (pid $pid) already runs in $dir; stop it first"
  fi
  touch "$dir/$MARKER"
  install_virtuoso
  http=$HTTP_PORT isql_port=$ISQL_PORT
  for attempt in 1 2 3 4 5; do  # another run may take the same free port first: then try the next ones
    http=$(free_port "$http")
    isql_port=$(free_port "$isql_port")
    rm -f "$dir"/virtuoso*
    sed -e "s/127\.0\.0\.1:8891/127.0.0.1:$http/" -e "s/127\.0\.0\.1:1112/127.0.0.1:$isql_port/" \
      "$HERE/virtuoso.ini" >"$dir/virtuoso.ini"
    # +wait: return once the server is initialised; it then runs on in the background
    if (cd "$dir" && virtuoso-t +configfile virtuoso.ini +wait >/dev/null 2>&1) \
        && grep -q "HTTP server online at 127.0.0.1:$http" "$dir/virtuoso.log" \
        && grep -q "Server online at 127.0.0.1:$isql_port" "$dir/virtuoso.log"; then
      break
    fi
    stop_server "$dir"
    [[ $attempt == 5 ]] && die "Virtuoso did not start; its log: $(tail -5 "$dir/virtuoso.log" 2>/dev/null | tr '\n' ' ')"
    http=$((http + 1)) isql_port=$((isql_port + 1))
  done
  local url="http://127.0.0.1:$http" deadline=$((SECONDS + WAIT_SECONDS))
  until answers "$url"; do
    (( SECONDS < deadline )) || { stop_server "$dir"; die "$url/sparql did not answer within $WAIT_SECONDS s"; }
    sleep 0.5
  done
  local password
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  # The anonymous SPARQL user may write (for /sparql and /sparql-graph-crud); dba gets a random password
  # (digest login on /sparql-auth and /sparql-graph-crud-auth).
  isql "$isql_port" dba <<EOF
GRANT SPARQL_UPDATE TO "SPARQL";
USER_SET_PASSWORD ('dba', '$password');
EOF
  cat >"$dir/env" <<EOF
CASEGRAPH_TEST_SPARQL_STORE=$url
CASEGRAPH_TEST_SPARQL_USER=dba
CASEGRAPH_TEST_SPARQL_PASSWORD=$password
EOF
  say "Virtuoso $(virtuoso-t -? 2>&1 | sed -n 's/^Version \([^ ]*\).*/\1/p') at $url (database in $dir), ready after $((SECONDS - started)) s"
}

stop_server() {  # stop the server running in $1, if any
  local pid
  pid=$(server_pid "$1") || return 0
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "Virtuoso (pid $pid) ignored SIGTERM for 10 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  local dir=$1
  [[ -d $dir ]] || return 0
  rmdir "$dir" 2>/dev/null && return 0  # empty: start never got going
  [[ -f $dir/$MARKER ]] || die "$dir was not set up by virtuoso.sh start; not touching it"
  stop_server "$dir"
  rm -rf "$dir"
}

case "${1:-} ${2:+dir}" in
  "start dir") start "$2" ;;
  "stop dir") stop "$2" ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
