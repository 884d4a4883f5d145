#!/usr/bin/env bash
# `npm start`: Vigil with its demo facility on this machine, in one command.
#
#  1. installs what is missing (scripts/ensure-deps.sh);
#  2. builds the dashboard when client/dist is missing or older than its sources;
#  3. starts a local InfluxDB on 127.0.0.1:8086 with its data in .vigil/influxdb/ (kept between
#     runs) — unless INFLUX_URL is set or an InfluxDB already answers there;
#  4. starts Mosquitto on 127.0.0.1:MQTT_PORT (default 1883) from config/mosquitto.conf with
#     dynamic security, its data in .vigil/mosquitto/ — unless MQTT_URL names another broker.
#     `vigil broker init` first writes the plugin's file from the device credentials (and the
#     broker administrator into DATA_DIR); the server administers the broker from then on;
#  5. starts the server in demo mode with its state in DATA_DIR (default .vigil/state/, the same
#     for `npm run vigil`), and the simulator, whose
#     devices (and gateways) sign in with their own credentials (sim@<id>, demo mode only);
#  6. waits for /api/health and prints the dashboard URL.
#
# Ctrl-C stops everything it started: simulator, server, Mosquitto, then InfluxDB. Logs: .vigil/logs/.
# Every variable the server reads (PORT, MQTT_URL, MQTT_PORT, INFLUX_URL, INFLUX_DB, DATA_DIR,
# FACILITY_FILE, LOG_LEVEL, VIGIL_DEMO, ...) can be set in the environment as usual.
# shellcheck disable=SC2317,SC2016  # functions run from traps; node -e code in single quotes
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

VIGIL_HOME="$ROOT/.vigil"
LOG_DIR="$VIGIL_HOME/logs"
export PORT="${PORT:-8080}"
export MQTT_PORT="${MQTT_PORT:-1883}"
export VIGIL_DEMO="${VIGIL_DEMO:-1}"
INFLUX_RPC_PORT="${INFLUX_RPC_PORT:-8088}"

say() { printf 'vigil: %s\n' "$*" >&2; }

http_body() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
    .then((r) => r.text()).then((t) => console.log(t), () => console.log("(no answer)"))' "$1"
}

# The HTTP status of GET $1, or 000 when nothing answers (curl when present, else Node's fetch).
http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" || true
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
      .then((r) => console.log(r.status), () => console.log("000"))' "$1"
  fi
}

# ---------------------------------------------------------------------------------------------
# Background processes we own, stopped in reverse order of start on exit (the server stores and
# acknowledges what it holds while the broker is still up).
# Each runs in its own session (setsid): Ctrl-C reaches only this script, which then stops them
# one by one in order instead of all at once. Each also gets SIGTERM from the kernel should this
# script die without running its trap (setpriv --pdeathsig).
declare -a started_pids=() started_names=()

launch() { # name logfile command...
  local name="$1" logfile="$2"
  shift 2
  local -a wrapper=()
  command -v setsid >/dev/null 2>&1 && wrapper+=(setsid)
  if command -v setpriv >/dev/null 2>&1 && setpriv --help 2>&1 | grep -q -- --pdeathsig; then
    wrapper+=(setpriv --pdeathsig TERM --)
  fi
  # One log per run, the previous one kept beside it: an error shown from it is this run's.
  [[ -s "$logfile" ]] && mv -f "$logfile" "$logfile.1"
  "${wrapper[@]}" "$@" </dev/null >"$logfile" 2>&1 &
  started_pids+=("$!")
  started_names+=("$name")
  LAUNCHED_PID=$!
}

is_running() { # pid: alive and not a zombie
  local state
  state="$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z ]]
}

stop_one() { # pid name
  local pid="$1" name="$2" waited=0
  is_running "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  say "stopping $name"
  kill -TERM "$pid" 2>/dev/null || true
  # 20 s: InfluxDB closes its shards and the server flushes its last batch on SIGTERM.
  while is_running "$pid" && ((waited < 200)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if is_running "$pid"; then
    say "$name did not stop within 20 s: killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleaned_up=0
cleanup() {
  ((cleaned_up)) && return 0
  cleaned_up=1
  # A second Ctrl-C (or npm forwarding the first one again) must not cut the orderly stop short;
  # every step has its own timeout.
  trap '' INT TERM
  local i
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
    stop_one "${started_pids[$i]}" "${started_names[$i]}"
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log_tail() { # logfile
  say "last lines of $1:"
  tail -n 25 "$1" >&2 || true
}

# ---------------------------------------------------------------------------------------------
bash scripts/ensure-deps.sh
# DATA_DIR as the server and `npm run vigil` resolve it (server/src/config.ts DEFAULT_DATA_DIR,
# .vigil/state/ unless set): one default, so an account the CLI adds is one this server signs in.
DATA_DIR="$(node --import tsx server/src/cli.ts data-dir)"
export DATA_DIR
mkdir -p "$LOG_DIR" "$DATA_DIR"

# The dashboard: rebuilt when missing or older than anything it is built from.
if [[ -f client/index.html ]]; then
  built=client/dist/index.html
  if [[ ! -f "$built" ]] || [[ -n "$(find client contract package-lock.json -path client/dist -prune -o -type f -newer "$built" -print -quit 2>/dev/null)" ]]; then
    say "building the dashboard"
    npx vite build --config client/vite.config.ts --logLevel warn
  fi
fi

# InfluxDB: the one named by INFLUX_URL, or one already on 127.0.0.1:8086, or our own.
if [[ -n "${INFLUX_URL:-}" ]]; then
  say "using InfluxDB at $INFLUX_URL (INFLUX_URL)"
else
  INFLUX_URL="http://127.0.0.1:8086"
  if [[ "$(http_status "$INFLUX_URL/ping")" == 204 ]]; then
    say "using the InfluxDB already answering at $INFLUX_URL"
  else
    influx_dir="$VIGIL_HOME/influxdb"
    mkdir -p "$influx_dir"
    sed -e "s#@DATA_DIR@#$influx_dir#g" -e "s#@HTTP_PORT@#8086#g" -e "s#@RPC_PORT@#$INFLUX_RPC_PORT#g" \
      config/influxdb.conf >"$influx_dir/influxdb.conf"
    influxd_bin="$(command -v influxd || echo /usr/bin/influxd)"
    say "starting InfluxDB on 127.0.0.1:8086 (data in ${influx_dir#"$ROOT"/})"
    launch influxd "$LOG_DIR/influxd.log" "$influxd_bin" -config "$influx_dir/influxdb.conf"
    influx_pid=$LAUNCHED_PID
    for ((i = 0; ; i++)); do
      [[ "$(http_status "$INFLUX_URL/ping")" == 204 ]] && break
      if ! is_running "$influx_pid"; then
        say "InfluxDB exited while starting (port 8086 or $INFLUX_RPC_PORT taken? set INFLUX_URL, or INFLUX_RPC_PORT)"
        show_log_tail "$LOG_DIR/influxd.log"
        exit 1
      fi
      if ((i >= 600)); then
        say "InfluxDB did not answer /ping within 60 s"
        show_log_tail "$LOG_DIR/influxd.log"
        exit 1
      fi
      sleep 0.1
    done
  fi
fi
export INFLUX_URL

# An executable on PATH or in the sbin directories a non-root PATH often lacks (Debian: /usr/sbin/mosquitto).
find_bin() {
  local dir IFS=:
  for dir in $PATH:/usr/local/sbin:/usr/sbin:/sbin; do
    [[ -n "$dir" && -f "$dir/$1" && -x "$dir/$1" ]] && { echo "$dir/$1"; return 0; }
  done
  return 1
}

# The dynamic-security plugin: Debian installs it per architecture, the eclipse-mosquitto image in /usr/lib.
find_dynsec_plugin() {
  local f
  for f in /usr/lib/*/mosquitto_dynamic_security.so /usr/lib/mosquitto_dynamic_security.so /usr/local/lib/mosquitto_dynamic_security.so; do
    [[ -f "$f" ]] && { echo "$f"; return 0; }
  done
  return 1
}

port_in_use() { # port: something accepts TCP connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# MQTT: the broker named by MQTT_URL, or our own Mosquitto.
if [[ -n "${MQTT_URL:-}" ]]; then
  say "using the MQTT broker at $MQTT_URL (MQTT_URL)"
else
  mosq_dir="$VIGIL_HOME/mosquitto"
  mkdir -p "$mosq_dir"
  mosquitto_bin="$(find_bin mosquitto)" || { say "mosquitto is not installed (scripts/ensure-deps.sh installs it)"; exit 1; }
  dynsec_plugin="$(find_dynsec_plugin)" || { say "Mosquitto's dynamic-security plugin (mosquitto_dynamic_security.so) is missing: reinstall the mosquitto package"; exit 1; }
  if port_in_use "$MQTT_PORT"; then
    say "port $MQTT_PORT is taken (a system Mosquitto? sudo systemctl stop mosquitto): set MQTT_PORT to a free port, or MQTT_URL to use that broker"
    exit 1
  fi
  # While the broker is stopped: its access rules from the device credentials, and the administrator.
  node --import tsx server/src/cli.ts broker init --dynsec-file "$mosq_dir/dynamic-security.json" >"$LOG_DIR/broker-init.log" 2>&1 || {
    say "vigil broker init failed"
    show_log_tail "$LOG_DIR/broker-init.log"
    exit 1
  }
  # config/mosquitto.conf with its [deployment] lines (container paths) replaced by ours.
  {
    grep -Ev '^[[:space:]]*(listener|persistence_location|log_dest|plugin|plugin_opt_config_file|user)([[:space:]]|$)' config/mosquitto.conf
    echo
    echo "# --- scripts/start.sh ---"
    echo "listener $MQTT_PORT 127.0.0.1"
    echo "persistence_location $mosq_dir/"
    echo "plugin $dynsec_plugin"
    echo "plugin_opt_config_file $mosq_dir/dynamic-security.json"
    # stderr is unbuffered: the log is current when read.
    echo "log_dest stderr"
    # As root Mosquitto switches to the mosquitto user, which cannot write .vigil/.
    if [[ "$(id -u)" -eq 0 ]]; then echo "user root"; fi
  } >"$mosq_dir/mosquitto.conf"
  say "starting Mosquitto on 127.0.0.1:$MQTT_PORT (data in ${mosq_dir#"$ROOT"/})"
  launch mosquitto "$LOG_DIR/mosquitto.log" "$mosquitto_bin" -c "$mosq_dir/mosquitto.conf"
  mosquitto_pid=$LAUNCHED_PID
  for ((i = 0; ; i++)); do
    port_in_use "$MQTT_PORT" && break
    if ! is_running "$mosquitto_pid"; then
      say "Mosquitto exited while starting"
      show_log_tail "$LOG_DIR/mosquitto.log"
      exit 1
    fi
    if ((i >= 300)); then
      say "Mosquitto did not listen on port $MQTT_PORT within 30 s"
      show_log_tail "$LOG_DIR/mosquitto.log"
      exit 1
    fi
    sleep 0.1
  done
  export MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
fi

# The simulated camera: when the facility file has cameras marked `simulated: true` (the demo's
# office floors), a test-pattern camera serves their stills and streams on 127.0.0.1:8091 (the
# URLs in the file). Started before the server, whose first camera probe would otherwise raise
# camera_offline. ffmpeg renders its frames; without it the shipped frames are served.
facility_file="${FACILITY_FILE:-config/facility.yaml}"
if [[ -f simulator/src/camera/cli.ts && -f "$facility_file" ]] && grep -q 'simulated: true' "$facility_file"; then
  say "starting the simulated camera on 127.0.0.1:8091 (logs: ${LOG_DIR#"$ROOT"/}/camera.log)"
  launch camera "$LOG_DIR/camera.log" node_modules/.bin/tsx simulator/src/camera/cli.ts --port 8091
fi

# The server.
if [[ ! -f server/src/main.ts ]]; then
  say "server/src/main.ts is missing: nothing to start"
  exit 1
fi
say "starting the server (logs: ${LOG_DIR#"$ROOT"/}/server.log)"
# `node --import tsx` runs the TypeScript in one process (signals reach it directly); a larger
# young generation cuts garbage-collection time at high ingest rates (measured in bench:ingest).
launch server "$LOG_DIR/server.log" node --max-semi-space-size=64 --import tsx server/src/main.ts
server_pid=$LAUNCHED_PID

health_url="http://127.0.0.1:$PORT/api/health"
status=000
for ((i = 0; ; i++)); do
  status="$(http_status "$health_url")"
  # 200 all well; 503 answers too (a part is down, e.g. InfluxDB still creating the schema):
  # give it a few seconds to become 200, then carry on and say so.
  [[ "$status" == 200 ]] && break
  [[ "$status" == 503 && i -ge 150 ]] && break
  if ! is_running "$server_pid"; then
    wait "$server_pid" && code=0 || code=$?
    say "the server exited while starting (exit code $code)"
    show_log_tail "$LOG_DIR/server.log"
    exit 1
  fi
  if ((i >= 1200)); then
    say "the server did not answer $health_url within 120 s"
    show_log_tail "$LOG_DIR/server.log"
    exit 1
  fi
  sleep 0.1
done

# The simulator (demo mode): the demo facility's sensors over MQTT, each device with its own
# credential bound to its client id (sim@<sensor>), which the server put on the broker; a
# Zigbee2MQTT bridge's own connection signs in the same way as sim@<gateway id>.
sim_password="$DATA_DIR/broker/simulator.password"
if [[ -f simulator/src/cli.ts && "$VIGIL_DEMO" =~ ^(1|true|yes)$ && -f "$sim_password" ]]; then
  say "starting the simulator against $MQTT_URL (logs: ${LOG_DIR#"$ROOT"/}/simulator.log)"
  launch simulator "$LOG_DIR/simulator.log" node_modules/.bin/tsx simulator/src/cli.ts run --broker "$MQTT_URL" \
    --username 'sim@{sensor}' --password-file "$sim_password"
fi

url="http://127.0.0.1:$PORT/"
{
  echo
  echo "  ============================================================"
  echo "    Vigil is running:  $url"
  echo "  ============================================================"
  if [[ "$status" != 200 ]]; then
    echo "    Health is not all green yet ($health_url answered $status):"
    echo "    $(http_body "$health_url")"
  fi
  echo "    InfluxDB: $INFLUX_URL   MQTT: $MQTT_URL"
  echo "    Logs: ${LOG_DIR#"$ROOT"/}/   Data (DATA_DIR): $DATA_DIR"
  echo "    Accounts: npm run vigil -- user add <name> --role admin   (same DATA_DIR)"
  # Demo mode: the accounts the server created (GET /api/auth/config lists them only in demo mode).
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => r.json()).then((c) => {
      for (const a of c.demoAccounts ?? []) console.log(`    Sign in as ${a.username.padEnd(8)} password ${a.password}  (${a.role})`);
    }, () => {})' "http://127.0.0.1:$PORT/api/auth/config"
  echo "    Press Ctrl-C to stop."
  echo
} >&2

# Until Ctrl-C (the INT trap exits from inside this wait), or until the server stops by itself.
wait "$server_pid" && code=0 || code=$?
say "the server exited by itself (exit code $code)"
show_log_tail "$LOG_DIR/server.log"
exit "$code"
