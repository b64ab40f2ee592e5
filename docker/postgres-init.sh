#!/bin/bash
# Runs once, from /docker-entrypoint-initdb.d, when the postgres container starts on an
# empty data directory. Creates one login role and one database per Portico service;
# each database is owned by its role and closed to everyone else, so a service can
# reach only its own data. Passwords come from <SERVICE>_DB_PASSWORD.
set -euo pipefail

for service in accounts billing tickets notifications; do
    password_var="${service^^}_DB_PASSWORD"
    password="${!password_var:-}"
    if [ -z "$password" ]; then
        echo "postgres-init: $password_var is not set" >&2
        exit 1
    fi
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
         -v name="$service" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \gexec
SQL
    echo "postgres-init: role and database '$service' ready"
done
