#!/usr/bin/env bash
# Renders config/prometheus-alerts.yml, the one file of the product's alerting rules, into
# deploy/base/prometheus-rules.yaml: a Prometheus Operator PrometheusRule whose spec.groups is the
# rule file's groups, comments included.
#
#   deploy/render-prometheus-rules.sh          rewrite the PrometheusRule (commit the result)
#   deploy/render-prometheus-rules.sh --check  fail if the committed one is not what the rules render
#
# The rule file must start its content with a top-level `groups:` line after its header comments
# (checked here); the rendering indents that line and everything after it under `spec:`.
set -euo pipefail
cd "$(dirname "$0")/.."

source_file=config/prometheus-alerts.yml
target_file=deploy/base/prometheus-rules.yaml

render() {
  if ! grep -q '^groups:[[:space:]]*$' "${source_file}"; then
    echo "${source_file}: no top-level 'groups:' line" >&2
    return 1
  fi
  cat <<'HEADER'
# GENERATED from config/prometheus-alerts.yml by deploy/render-prometheus-rules.sh; do not edit by
# hand (deploy/check.sh fails when this file is stale). The product's alerting rules for a
# Prometheus run by the Prometheus Operator; each alert's runbook is in docs/runbook.md.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: fleetlearn
spec:
HEADER
  # Everything from the groups: line on, two spaces deeper; empty lines stay empty.
  awk 'started || /^groups:[[:space:]]*$/ { started = 1; print (length($0) ? "  " $0 : "") }' \
    "${source_file}"
}

rendered="$(render)"
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -u "${target_file}" <(printf '%s\n' "${rendered}"); then
    echo "${target_file} is stale: run deploy/render-prometheus-rules.sh and commit the result" >&2
    exit 1
  fi
  echo "${target_file} is up to date with ${source_file}"
else
  printf '%s\n' "${rendered}" > "${target_file}"
  echo "wrote ${target_file}"
fi
