# PostgreSQL from Debian's packages, standing in for postgres:16 where no registry answers (scripts/images.sh,
# docker-compose.local-bases.yml). It keeps the official image's contract: POSTGRES_USER, POSTGRES_PASSWORD and
# POSTGRES_DB, data in /var/lib/postgresql/data, and /docker-entrypoint-initdb.d/*.sh run once on an empty one.
ARG DEBIAN_IMAGE=portico-base/debian:bookworm
FROM ${DEBIAN_IMAGE}

RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 util-linux \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /docker-entrypoint-initdb.d /var/run/postgresql \
 && chown postgres:postgres /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
