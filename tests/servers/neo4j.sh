#!/usr/bin/env bash
# A throwaway Neo4j 5.26 LTS Community server for the tests (tests/test_neo4j_server.py and the
# Neo4j tests after it): embedded Neo4j from Maven Central, run by the tiny launcher in tests/servers/neo4j/.
#
#   tests/servers/neo4j.sh start [DIR]  build the launcher if needed (Maven; target/ is its cache), start a
#                                       server listening on 127.0.0.1 only, with its state and database in
#                                       DIR (default: a new temporary directory), and print the lines below
#   tests/servers/neo4j.sh env [DIR]    print those lines again
#   tests/servers/neo4j.sh stop [DIR]   stop that server and delete DIR (safe to run twice)
#
# DIR defaults to $CASEGRAPH_NEO4J_STATE for env and stop. The printed lines are for eval:
#   export NEO4J_URI=neo4j://127.0.0.1:PORT NEO4J_USERNAME=neo4j NEO4J_PASSWORD=(random, per start)
#   export CASEGRAPH_NEO4J_STATE=DIR
# Only these lines go to standard output; progress and errors go to standard error. Under `set -e`,
# take them with `neo4j_env=$(tests/servers/neo4j.sh start)` then `eval "$neo4j_env"`: a plain
# `eval "$(... start)"` would not stop the script when start fails.
#
# Settings: CASEGRAPH_NEO4J_PORT (first port tried, 7688; the next free one is used if taken),
# CASEGRAPH_NEO4J_WAIT (seconds to wait for the server, 120), CASEGRAPH_NEO4J_JAVA (java),
# CASEGRAPH_NEO4J_JAVA_OPTS (a small heap, and C1 only: it starts in half the time on 2 cores).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$HERE/neo4j
JAR=$PROJECT/target/neo4j-test-server.jar
PORT=${CASEGRAPH_NEO4J_PORT:-7688}
WAIT_SECONDS=${CASEGRAPH_NEO4J_WAIT:-120}
JAVA=${CASEGRAPH_NEO4J_JAVA:-java}
read -r -a JAVA_OPTS <<<"${CASEGRAPH_NEO4J_JAVA_OPTS:--Xms128m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError}"
MARKER=.casegraph-test-neo4j  # stop deletes only a directory that start set up

NAME=neo4j.sh
# shellcheck source=common.sh
. "$HERE/common.sh"

build() {  # (re)build the launcher and copy its dependencies to target/lib when missing or older than the sources
  if [[ -f $JAR && -d $PROJECT/target/lib ]] \
      && [[ -z $(find "$PROJECT/pom.xml" "$PROJECT/src" -type f -newer "$JAR") ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn is needed to build $JAR"
  say "building the Neo4j test server (Maven downloads about 170 MB into an empty local repository)"
  local started=$SECONDS
  rm -rf "$PROJECT/target/lib"
  mvn -q -B -ntp -Dstyle.color=never -f "$PROJECT/pom.xml" package >&2 || die "building $JAR failed"
  say "built in $((SECONDS - started)) s"
}

server_pid() {  # the pid of the server started in $1, if it still runs
  local pid
  [[ -f $1/pid ]] || return 1
  pid=$(<"$1/pid")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a pid may be reused: make sure it is still our launcher
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q neo4j-test-server.jar || return 1
  echo "$pid"
}

print_env() {
  local dir=$1
  [[ -f $dir/$MARKER && -f $dir/port && -f $dir/password ]] || die "no Neo4j test server was started in $dir"
  printf 'export NEO4J_URI=%q\n' "neo4j://127.0.0.1:$(<"$dir/port")"
  printf 'export NEO4J_USERNAME=neo4j\n'
  printf 'export NEO4J_PASSWORD=%q\n' "$(<"$dir/password")"
  printf 'export CASEGRAPH_NEO4J_STATE=%q\n' "$dir"
}

show_logs() {
  say "its output: $(tail -c 1500 "$1/server.log" 2>/dev/null | tr '\n' ' ')"
  [[ -f $1/home/logs/debug.log ]] && say "its debug.log ends: $(grep -E 'ERROR|WARN' "$1/home/logs/debug.log" | tail -5 | tr '\n' ' ')"
  return 0
}

start() {
  local dir=${1:-} started=$SECONDS port=$PORT attempt pid password
  command -v "$JAVA" >/dev/null || die "no $JAVA: Neo4j 5.26 needs Java 17 or 21"
  build
  if [[ -z $dir ]]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/casegraph-neo4j.XXXXXX")
  else
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if pid=$(server_pid "$dir"); then die "a Neo4j test server (pid $pid) already runs in $dir; stop it first"; fi
  fi
  touch "$dir/$MARKER"
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  echo "$password" >"$dir/password"
  for attempt in 1 2 3 4 5; do  # another run may take the same free port first: then try the next ones
    port=$(free_port "$port")
    echo "$port" >"$dir/port"
    rm -rf "$dir/home"
    : >"$dir/server.log"
    # Everything the server writes goes to files: $(neo4j.sh start) must not wait for it.
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$JAR" "$dir/home" "$port" "$password" </dev/null >"$dir/server.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/pid"
    local deadline=$((SECONDS + WAIT_SECONDS))
    until grep -q '^READY ' "$dir/server.log"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || true
        break
      fi
      if (( SECONDS >= deadline )); then
        show_logs "$dir"
        stop "$dir"
        die "Neo4j did not start within $WAIT_SECONDS s"
      fi
      sleep 0.2
    done
    grep -q '^READY ' "$dir/server.log" && break
    if ! grep -qi 'address already in use' "$dir/server.log" "$dir/home/logs/debug.log" 2>/dev/null \
        || [[ $attempt == 5 ]]; then
      show_logs "$dir"
      stop "$dir"
      die "Neo4j did not start"
    fi
    port=$((port + 1))
  done
  say "Neo4j $(sed -n 's/^READY //p' "$dir/server.log") ready after $((SECONDS - started)) s (pid $pid, state in $dir)"
  print_env "$dir"
}

stop() {
  local dir=${1:-${CASEGRAPH_NEO4J_STATE:-}} pid
  [[ -n $dir ]] || die "stop: no DIR given and CASEGRAPH_NEO4J_STATE is not set"
  [[ -d $dir ]] || return 0
  [[ -f $dir/$MARKER ]] || die "$dir was not set up by neo4j.sh start; not touching it"
  if pid=$(server_pid "$dir"); then
    kill -TERM "$pid"  # the launcher shuts the database down cleanly
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "Neo4j (pid $pid) ignored SIGTERM for 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  env) print_env "${2:-${CASEGRAPH_NEO4J_STATE:?env: no DIR given and CASEGRAPH_NEO4J_STATE is not set}}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: $0 start|env|stop [DIR]" ;;
esac
