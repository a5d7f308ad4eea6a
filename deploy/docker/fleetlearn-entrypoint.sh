#!/usr/bin/env bash
# Entry point of the fleetlearn image: the Flink image's own entry point, after taking the Flink
# configuration from config/flink/config.yaml when it is mounted (docker compose mounts config/ at
# /opt/fleetlearn/config). The file is copied rather than mounted into conf/ because Flink's entry
# point rewrites conf/config.yaml in place (addresses, ports), which must not touch the mounted file.
# On Kubernetes the operator provides conf/ and nothing is mounted there, so nothing is copied.
set -euo pipefail

mounted=/opt/fleetlearn/config/flink/config.yaml
if [[ -f "${mounted}" ]]; then
  cp "${mounted}" "${FLINK_HOME}/conf/config.yaml"
fi
exec /docker-entrypoint.sh "$@"
