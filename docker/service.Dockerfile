# One image recipe for every nameko service; the service is chosen at build time:
#   docker build -f docker/service.Dockerfile --build-arg SERVICE=billing -t portico/billing .
# The build context is the repository root. docker-compose.yml passes SERVICE for
# accounts, billing, tickets and notifications.
# The official image by default; scripts/images.sh passes a locally built one when no registry answers.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<accounts|billing|tickets|notifications>" >&2; exit 1; }

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTICO_SERVICE=${SERVICE} \
    PORTICO_VAR_DIR=/app/var

# Fixed ids so containers built from different Portico images can share a volume.
RUN groupadd --system --gid 10001 portico \
 && useradd --system --uid 10001 --gid portico --home-dir /app --no-create-home --shell /usr/sbin/nologin portico

WORKDIR /app

COPY constraints.txt ./
COPY shared/ ./shared/
COPY services/${SERVICE}/ ./services/${SERVICE}/

RUN pip install --no-cache-dir -c constraints.txt ./shared ./services/${SERVICE} \
 && rm -rf shared/build services/${SERVICE}/build shared/*.egg-info services/${SERVICE}/*.egg-info \
 && mkdir -p var blobs && chown portico:portico var blobs

USER portico

# Bring the service's own database up to date, then replace the shell with the service so
# SIGTERM from `docker stop` reaches the service and it shuts down gracefully.
CMD ["sh", "-c", "alembic -c services/${PORTICO_SERVICE}/alembic.ini upgrade head && exec python -m shared.run ${PORTICO_SERVICE}"]
