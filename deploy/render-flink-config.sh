#!/usr/bin/env bash
# Renders config/flink/config.yaml, the one Flink configuration of the project, into
# deploy/base/flink-configuration.yaml: a kustomize patch that sets the FlinkDeployment's
# spec.flinkConfiguration. Every key is taken except the *.memory.process.size ones, which the
# operator derives from spec.jobManager/taskManager.resource.memory.
#
#   deploy/render-flink-config.sh          rewrite the patch (commit the result)
#   deploy/render-flink-config.sh --check  fail if the committed patch is not what the config renders
#
# The config file must stay flat, one "key: value" per line (checked here), which is also what keeps
# this rendering a plain line transformation.
set -euo pipefail
cd "$(dirname "$0")/.."

source_file=config/flink/config.yaml
target_file=deploy/base/flink-configuration.yaml

render() {
  cat <<'HEADER'
# GENERATED from config/flink/config.yaml by deploy/render-flink-config.sh; do not edit by hand
# (deploy/check.sh fails when this file is stale). The Flink configuration of the FlinkDeployment.
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: fleetlearn
spec:
  flinkConfiguration:
HEADER
  local line key value n=0
  while IFS= read -r line || [[ -n "${line}" ]]; do
    n=$((n + 1))
    [[ -z "${line//[[:space:]]/}" || "${line}" =~ ^[[:space:]]*# ]] && continue
    if [[ ! "${line}" =~ ^([a-z][A-Za-z0-9._-]*):[[:space:]]+(.*[^[:space:]])[[:space:]]*$ ]]; then
      echo "${source_file}:${n}: not a flat 'key: value' line: ${line}" >&2
      return 1
    fi
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    case "${key}" in
      jobmanager.memory.process.size | taskmanager.memory.process.size) continue ;;
    esac
    if [[ "${value}" =~ ^\"(.*)\"$ ]]; then
      value="${BASH_REMATCH[1]}"
    elif [[ "${value}" == *" #"* ]]; then
      echo "${source_file}:${n}: put comments on their own line: ${line}" >&2
      return 1
    fi
    value="${value//\\/\\\\}"
    value="${value//\"/\\\"}"
    printf '    %s: "%s"\n' "${key}" "${value}"
  done < "${source_file}"
}

rendered="$(render)"
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -u "${target_file}" <(printf '%s\n' "${rendered}"); then
    echo "${target_file} is stale: run deploy/render-flink-config.sh and commit the result" >&2
    exit 1
  fi
  echo "${target_file} is up to date with ${source_file}"
else
  printf '%s\n' "${rendered}" > "${target_file}"
  echo "wrote ${target_file}"
fi
