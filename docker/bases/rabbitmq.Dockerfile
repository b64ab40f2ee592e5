# RabbitMQ with its management plugin from Debian's packages, standing in for rabbitmq:3.13-management where no
# registry answers (scripts/images.sh, docker-compose.local-bases.yml). It reads the official image's
# RABBITMQ_DEFAULT_USER and RABBITMQ_DEFAULT_PASS.
ARG DEBIAN_IMAGE=portico-base/debian:bookworm
FROM ${DEBIAN_IMAGE}

RUN apt-get update \
 && apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* \
 && rabbitmq-plugins enable --offline rabbitmq_management
COPY rabbitmq-entrypoint.sh /usr/local/bin/rabbitmq-entrypoint.sh
EXPOSE 5672 15672
ENTRYPOINT ["/usr/local/bin/rabbitmq-entrypoint.sh"]
