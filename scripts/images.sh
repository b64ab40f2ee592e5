#!/bin/sh
# Build Portico's images (make images). The app images start from the official python:3.11-slim when a registry
# answers; otherwise from a Python base built here from Debian's packages alone: a minimal Debian made with
# debootstrap and imported into Docker, then Debian's Python 3.11 on it (docker/bases/). RabbitMQ and PostgreSQL
# are then built from Debian's packages too, for docker-compose.local-bases.yml. Debian's and PyPI's package
# registries are all a build needs.
set -eu
cd "$(dirname "$0")/.."

LOCAL_DEBIAN=portico-base/debian:bookworm
LOCAL_PYTHON=portico-base/python:3.11
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

local_debian() {
    if docker image inspect "$LOCAL_DEBIAN" >/dev/null 2>&1; then
        return
    fi
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    echo "Building $LOCAL_DEBIAN with debootstrap from $DEBIAN_MIRROR..."
    debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >/dev/null
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' - "$LOCAL_DEBIAN" >/dev/null
}

python_image() {
    if [ -n "${PYTHON_IMAGE:-}" ]; then
        echo "$PYTHON_IMAGE"
    elif docker image inspect python:3.11-slim >/dev/null 2>&1 || docker pull -q python:3.11-slim >/dev/null 2>&1; then
        echo python:3.11-slim
    else
        echo "No registry answers: building the Python base from Debian's packages." >&2
        local_debian >&2
        context=$(mktemp -d)
        mkdir "$context/ca-certificates"
        cp docker/bases/python.Dockerfile "$context/Dockerfile"
        cp /usr/local/share/ca-certificates/*.crt "$context/ca-certificates/" 2>/dev/null || true
        docker build -q --build-arg DEBIAN_IMAGE="$LOCAL_DEBIAN" -t "$LOCAL_PYTHON" "$context" >/dev/null
        rm -rf "$context"
        echo "$LOCAL_PYTHON"
    fi
}

# RabbitMQ and PostgreSQL from Debian's packages, for docker-compose.local-bases.yml (docs/docker.md).
local_infrastructure() {
    for name in rabbitmq postgres; do
        docker build -q --build-arg DEBIAN_IMAGE="$LOCAL_DEBIAN" -f "docker/bases/$name.Dockerfile" \
            -t "portico-base/$name:local" docker/bases >/dev/null
    done
    echo "Start the stack with: docker-compose -f docker-compose.yml -f docker-compose.local-bases.yml up -d"
}

PYTHON_IMAGE=$(python_image)
export PYTHON_IMAGE
if [ "$PYTHON_IMAGE" = "$LOCAL_PYTHON" ]; then
    local_infrastructure
fi
echo "Building Portico's images on $PYTHON_IMAGE..."
docker-compose build "$@"
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^portico' | sort
