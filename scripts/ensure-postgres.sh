#!/usr/bin/env bash
# Make sure the PostgreSQL that the tests use answers (PORTICO_TEST_POSTGRES_URL, default
# postgres@127.0.0.1:5432 with trust auth): start the local cluster, or install it with apt-get.
set -euo pipefail
answers() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/5432" 2>/dev/null; }
[ -n "${PORTICO_TEST_POSTGRES_URL:-}" ] && exit 0
answers && { echo "PostgreSQL answers at 127.0.0.1:5432"; exit 0; }
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "Installing postgresql with apt-get..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
conf=/etc/postgresql/$version/main
# Tests connect as postgres over TCP without a password: allow that on loopback only.
if ! grep -q "portico-tests" "$conf/pg_hba.conf"; then
  sed -i '1i host all postgres 127.0.0.1/32 trust # portico-tests\nhost all postgres ::1/128 trust # portico-tests' "$conf/pg_hba.conf"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main reload
for _ in $(seq 1 30); do answers && break; sleep 1; done
answers || { echo "PostgreSQL did not start" >&2; exit 1; }
echo "PostgreSQL answers at 127.0.0.1:5432"
