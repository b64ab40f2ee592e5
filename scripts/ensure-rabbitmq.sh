#!/usr/bin/env bash
# Make sure a RabbitMQ broker answers at AMQP_URI: use it if it does, else start the local
# rabbitmq-server, else install it with apt-get and start it. For tests (--with-management)
# the management plugin is enabled too when the broker is the local one.
set -euo pipefail
uri="${AMQP_URI:-pyamqp://guest:guest@127.0.0.1:5672//}"
hostport=$(python3 - "$uri" <<'PY'
import sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
print(f"{u.hostname or '127.0.0.1'} {u.port or 5672}")
PY
)
read -r host port <<<"$hostport"

answers() { timeout 1 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; }

if ! answers; then
  case "$host" in 127.0.0.1|localhost) ;; *) echo "RabbitMQ at $host:$port does not answer" >&2; exit 1;; esac
  if ! command -v rabbitmq-server >/dev/null; then
    echo "Installing rabbitmq-server with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  echo "Starting the local rabbitmq-server..."
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do answers && break; sleep 1; done
  answers || { echo "RabbitMQ did not start on $host:$port" >&2; exit 1; }
fi
echo "RabbitMQ answers at $host:$port"
