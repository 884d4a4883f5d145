#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need, and says nothing when it is all there.
#
#   scripts/ensure-deps.sh            mosquitto (with its dynamic-security plugin), mosquitto_pub,
#                                     influxd, node_modules
#   scripts/ensure-deps.sh --browser  ... and chromium, for the end-to-end tests
#   scripts/ensure-deps.sh --compose  ... and a Docker Compose client (Debian's docker-compose)
#                                     so that test/integration/compose.test.ts can check
#                                     docker-compose.yml; best effort, never fatal
#   scripts/ensure-deps.sh --ffmpeg   ... and ffmpeg, whose test pattern the camera tests serve
#   scripts/ensure-deps.sh --redis    ... and redis-server, which the multi-node realtime tests share
#   scripts/ensure-deps.sh --postgres ... and postgresql-15, whose server the PostgreSQL store
#                                     tests start (test/support/postgres.ts)
#
# System packages come from apt (Debian/Ubuntu): installed when running as root, otherwise the
# exact command is printed and the script exits 1. node_modules is (re)installed with `npm ci`
# when missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_compose=0
want_ffmpeg=0
want_redis=0
want_postgres=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --ffmpeg) want_ffmpeg=1 ;;
    --compose) want_compose=1 ;;
    --redis) want_redis=1 ;;
    --postgres) want_postgres=1 ;;
    -h | --help)
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "ensure-deps: unknown argument '$arg' (use --browser, --compose, --ffmpeg, --redis, --postgres)" >&2
      exit 2
      ;;
  esac
done

# An executable file of that name on PATH or in the sbin directories, which a non-root PATH
# often lacks (Debian puts mosquitto in /usr/sbin). Not `command -v`: bash reports a file found
# on PATH even when it is not executable.
have() {
  local dir search="$PATH:/usr/local/sbin:/usr/sbin:/sbin" IFS=:
  # A full path (PostgreSQL's binaries live in a versioned directory off PATH): that very file.
  if [[ "$1" == /* ]]; then
    [[ -f "$1" && -x "$1" ]]
    return
  fi
  for dir in $search; do
    [[ -n "$dir" && -f "$dir/$1" && -x "$dir/$1" ]] && return 0
  done
  return 1
}

# command -> Debian package that provides it
declare -a needed=(mosquitto:mosquitto mosquitto_pub:mosquitto-clients influxd:influxdb)
if ((want_browser)); then
  needed+=(chromium:chromium)
fi
# The camera tests serve frames ffmpeg renders (test/support/camera.ts); `npm start` does without.
if ((want_ffmpeg)); then
  needed+=(ffmpeg:ffmpeg)
fi
# Two Vigil nodes fan live events out through Redis (test/support/redis.ts); one node needs none.
if ((want_redis)); then
  needed+=(redis-server:redis-server)
fi
# The PostgreSQL store's tests run initdb and postgres from here (test/support/postgres.ts); the
# package also creates the `postgres` user they run as under root. SQLite deployments need none.
if ((want_postgres)); then
  needed+=(/usr/lib/postgresql/15/bin/postgres:postgresql-15)
fi

missing=()
for pair in "${needed[@]}"; do
  cmd="${pair%%:*}"
  pkg="${pair#*:}"
  have "$cmd" || missing+=("$pkg")
done

# Another apt/dpkg run (a colleague's, unattended-upgrades) may hold the dpkg lock: wait for it
# rather than fail. The lists lock of `apt-get update` is not covered by that option, hence the
# retries there.
apt_opts=(-o DPkg::Lock::Timeout=600 -q)
apt_updated=0
apt_update_once() {
  ((apt_updated)) && return 0
  local attempt
  for attempt in 1 2 3 4 5; do
    if apt-get "${apt_opts[@]}" update >&2; then
      apt_updated=1
      return 0
    fi
    echo "ensure-deps: apt-get update failed (attempt $attempt), retrying" >&2
    sleep $((attempt * 5))
  done
  echo "ensure-deps: apt-get update kept failing" >&2
  return 1
}
apt_install() {
  apt_update_once && DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "$@" >&2
}

if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" -ne 0 ]]; then
    {
      echo "Vigil needs these packages, which are not installed: ${missing[*]}"
      echo "Install them with:"
      echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
      echo "or run the whole stack in containers instead: docker compose up"
    } >&2
    exit 1
  fi
  echo "ensure-deps: installing ${missing[*]} (apt-get)" >&2
  apt_install "${missing[@]}"

  still_missing=()
  for pair in "${needed[@]}"; do
    have "${pair%%:*}" || still_missing+=("${pair#*:}")
  done
  if ((${#still_missing[@]} > 0)); then
    echo "ensure-deps: still missing after apt-get install: ${still_missing[*]}" >&2
    exit 1
  fi
fi

# Chinese text in Chromium's screenshots and in the safety report's PDF needs a CJK font; without
# one every character prints as an empty box. Useful, not required, so a failure is a warning.
if ((want_browser)) && ! [[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "ensure-deps: installing fonts-wqy-microhei (apt-get), for Chinese in Chromium" >&2
    apt_install fonts-wqy-microhei || echo "ensure-deps: no CJK font; Chinese prints as boxes in screenshots and PDFs" >&2
  else
    echo "ensure-deps: no CJK font (apt-get install fonts-wqy-microhei); Chinese prints as boxes in screenshots and PDFs" >&2
  fi
fi

# A compose client only validates docker-compose.yml here (no Docker engine on these machines):
# useful, not required, so a failure is a warning.
if ((want_compose)) && ! docker compose version >/dev/null 2>&1 && ! have docker-compose; then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "ensure-deps: installing docker-compose (apt-get), to check docker-compose.yml" >&2
    apt_install docker-compose ||
      echo "ensure-deps: could not install docker-compose; the compose file check will be skipped" >&2
  else
    echo "ensure-deps: no Docker Compose client; the compose file check will be skipped (apt-get install docker-compose)" >&2
  fi
fi

# node_modules: `npm ci` when it is missing or older than package-lock.json. npm itself rewrites
# node_modules/.package-lock.json on every install, so a colleague's `npm install` that changed
# the lock file counts as up to date; our stamp covers `npm ci` runs.
stamp=node_modules/.vigil-npm-ci.stamp
npm_state=node_modules/.package-lock.json
needs_ci=0
if [[ ! -d node_modules ]]; then
  needs_ci=1
elif [[ ! -e "$stamp" && ! -e "$npm_state" ]]; then
  needs_ci=1
elif [[ package-lock.json -nt "$stamp" && package-lock.json -nt "$npm_state" ]]; then
  # `-nt` is true when the right-hand file does not exist, so both must be older.
  needs_ci=1
fi
if ((needs_ci)); then
  echo "ensure-deps: installing node packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
  touch "$stamp"
fi
