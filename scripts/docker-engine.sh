# Sourced by scripts/dev: a Docker engine for the container suite (tests/containers).
#
# A running engine is used as it is. Otherwise, as root, Debian's docker.io is installed when
# dockerd is missing and dockerd is started in the background, its output in .run/dockerd.log,
# with no bridge network and no iptables rules (every container of the suite uses the host's
# network on 127.0.0.1). stop_started_engine, run from scripts/dev's exit trap, stops it again,
# so a CI run never waits on a daemon it left behind. Images stay in the engine's storage
# (/var/lib/docker), so a later run on the same machine reuses them.

STARTED_DOCKERD_PID=""

engine_reachable() {
  command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1
}

# Returns 0 when an engine is reachable (started if need be), else prints one line ending with
# $1 (what the caller does without one) and returns 1.
ensure_engine() {
  local consequence=$1 missing=()
  if [ "$(id -u)" -eq 0 ]; then
    command -v debootstrap >/dev/null || missing+=(debootstrap)  # for local base images
    engine_reachable || command -v dockerd >/dev/null || missing+=(docker.io)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} with apt-get (Docker engine and local base images)..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
      >.run/apt-docker.log 2>&1; then
      echo "Installing ${missing[*]} failed (see .run/apt-docker.log): $consequence."
      return 1
    fi
  fi
  if engine_reachable; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "No Docker engine reachable, and not root to start one: $consequence."
    return 1
  fi
  if [ -e /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    echo "A dockerd is running but does not answer: $consequence."
    return 1
  fi
  echo "Starting dockerd (log: .run/dockerd.log; stopped again on exit)..."
  setsid dockerd --bridge=none --iptables=false --ip-masq=false \
    >.run/dockerd.log 2>&1 </dev/null &
  STARTED_DOCKERD_PID=$!
  local waited=0
  until engine_reachable; do
    if ! kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || [ $waited -ge 60 ]; then
      echo "dockerd did not start (see .run/dockerd.log): $consequence."
      stop_started_engine
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# For `scripts/dev images`: an engine must already run (compose needs it after the build), so
# none is started here; as root, debootstrap is installed when missing.
require_engine() {
  if [ "$(id -u)" -eq 0 ] && ! command -v debootstrap >/dev/null; then
    echo "Installing debootstrap with apt-get (local base images)..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } \
      >.run/apt-docker.log 2>&1 || echo "Installing debootstrap failed (see .run/apt-docker.log)."
  fi
  if ! engine_reachable; then
    echo "No Docker engine answers: start one first (as root: apt-get install docker.io, then" \
      "dockerd --bridge=none --iptables=false >/var/log/dockerd.log 2>&1 &)." >&2
    return 1
  fi
}

# Stops the dockerd this script started (and with it the containerd it runs), if any.
stop_started_engine() {
  local pid=$STARTED_DOCKERD_PID
  [ -n "$pid" ] || return 0
  STARTED_DOCKERD_PID=""
  kill -TERM "$pid" 2>/dev/null || return 0
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ $waited -ge 30 ]; then
      kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "Stopped the dockerd this command started."
}
