# The Python base the app images take when no registry answers (scripts/images.sh): Debian's own Python 3.11 on the
# locally built Debian base, in a virtual environment on PATH, so `python` and `pip` mean what they mean in the
# official python:3.11-slim image.
#   scripts/images.sh builds it (with the machine's extra certificate authorities in ca-certificates/)
ARG DEBIAN_IMAGE=portico-base/debian:bookworm
FROM ${DEBIAN_IMAGE}

# The building machine's own certificate authorities (scripts/images.sh copies them here; often none), for a
# network whose HTTPS goes through an inspecting proxy.
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && update-ca-certificates \
 && python3 -m venv /opt/python

# pip trusts the system's authorities (its own bundle would not know the machine's).
ENV PATH=/opt/python/bin:$PATH \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    LANG=C.UTF-8
