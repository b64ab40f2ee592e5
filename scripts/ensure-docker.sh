#!/usr/bin/env bash
# Make sure a Docker engine answers: use it if it does, else start dockerd (installing Debian's docker.io
# with apt-get when it is missing), and docker-compose and debootstrap beside it. Exits 1 with the reason
# when no engine can run here (no root, no cgroups, no kernel support): the caller says so and goes on.
set -uo pipefail
log="${PORTICO_VAR_DIR:-$(pwd)/var}/dockerd.log"

answers() { docker info >/dev/null 2>&1; }

install() {
    local missing=""
    command -v dockerd >/dev/null || missing=" docker.io"
    command -v docker-compose >/dev/null || missing="$missing docker-compose"
    command -v debootstrap >/dev/null || missing="$missing debootstrap"
    [ -z "$missing" ] && return 0
    [ "$(id -u)" = 0 ] || { echo "cannot install$missing: not root"; return 1; }
    echo "Installing$missing with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq $missing >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq $missing >/dev/null; }
}

install || exit 1
if ! answers; then
    command -v dockerd >/dev/null || { echo "no dockerd to start"; exit 1; }
    mkdir -p "$(dirname "$log")"
    echo "Starting dockerd (its log: $log)..."
    # setsid: the engine outlives this script and the make that ran it, as a system service would.
    setsid dockerd >"$log" 2>&1 < /dev/null &
    for _ in $(seq 1 60); do answers && break; sleep 1; done
    if ! answers; then
        echo "dockerd did not start; the last lines of its log:"
        tail -n 5 "$log"
        exit 1
    fi
fi
echo "Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null) answers"
