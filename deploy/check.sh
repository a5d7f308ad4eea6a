#!/usr/bin/env bash
# Static checks of the deployment files, without Docker or a Kubernetes cluster:
#   1. docker-compose.yml is valid (Debian's docker-compose, offline);
#   2. deploy/base/flink-configuration.yaml is what config/flink/config.yaml renders;
#   3. kubectl kustomize renders the base and every overlay (kustomize itself fails on a missing file);
#   4. every file that docker-compose.yml, the Dockerfile and the manifests refer to exists, every
#      Grafana dashboard is shipped to Kubernetes, and the compose Prometheus config scrapes the same
#      jobs and loads the same rule files as config/prometheus.yml;
#   5. deploy/base/prometheus-rules.yaml is what config/prometheus-alerts.yml renders;
#   6. in every rendered kustomization, the Flink pods that the operator builds (the common pod
#      template merged with the JobManager's or TaskManager's, by position as the operator does by
#      default, and by name as with kubernetes.operator.pod-template.merge-arrays-by-name) declare
#      every port their PodMonitors scrape, and the KafkaTopics use Strimzi's current API version.
# Installs what it needs with apt-get (docker-compose, python3-yaml). Run from anywhere; `mvn -B verify`
# runs it (DeploymentFilesIT) after `package`, so the job jar the image copies exists.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
pass() { echo "PASS  $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }

need_apt=()
command -v docker-compose > /dev/null || need_apt+=(docker-compose)
/usr/bin/python3 -c 'import yaml' 2> /dev/null || need_apt+=(python3-yaml)
if ((${#need_apt[@]})); then
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" > /dev/null
fi
if ! command -v kubectl > /dev/null; then
  # Debian's own kubectl; its built-in kustomize may be too old (checked below).
  apt-get update -qq && apt-get install -y -qq kubernetes-client > /dev/null
fi
kustomize_version="$(kubectl version --client -o json 2> /dev/null \
  | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("kustomizeVersion", ""))')"
if [[ ! "${kustomize_version}" =~ ^v([4-9]|[1-9][0-9]) ]]; then
  echo "kubectl's kustomize is '${kustomize_version}'; these manifests need kustomize v4 or later" \
    "(kubectl 1.21+)" >&2
  exit 1
fi

# 1. The compose file.
if docker-compose -f docker-compose.yml config -q; then
  pass "docker-compose config: docker-compose.yml is valid"
else
  fail "docker-compose config: docker-compose.yml is invalid"
fi

# 2. The generated Flink configuration of the FlinkDeployment.
if deploy/render-flink-config.sh --check > /dev/null 2>&1; then
  pass "deploy/base/flink-configuration.yaml is up to date with config/flink/config.yaml"
else
  deploy/render-flink-config.sh --check || true
  fail "deploy/base/flink-configuration.yaml is stale: run deploy/render-flink-config.sh"
fi

# 2b. The PrometheusRule generated from the alerting rules.
if deploy/render-prometheus-rules.sh --check > /dev/null 2>&1; then
  pass "deploy/base/prometheus-rules.yaml is up to date with config/prometheus-alerts.yml"
else
  deploy/render-prometheus-rules.sh --check || true
  fail "deploy/base/prometheus-rules.yaml is stale: run deploy/render-prometheus-rules.sh"
fi

# 3. Every kustomization renders.
rendered_dir="$(mktemp -d)"
trap 'rm -rf "${rendered_dir}"' EXIT
for dir in deploy/base deploy/overlays/*/; do
  dir="${dir%/}"
  out="${rendered_dir}/$(echo "${dir}" | tr / _).yaml"
  if kubectl kustomize "${dir}" > "${out}"; then
    pass "kubectl kustomize ${dir}: $(grep -c '^kind:' "${out}") resources"
  else
    fail "kubectl kustomize ${dir}"
  fi
done

# 4. References to files.
if docker-compose -f docker-compose.yml config > "${rendered_dir}/compose.yaml" 2> /dev/null \
  && /usr/bin/python3 - "${rendered_dir}" << 'PYTHON'; then
import glob, os, re, sys
import yaml

rendered = sys.argv[1]
root = os.getcwd()
problems = []

def exists(path, what):
    if not os.path.exists(path):
        problems.append(f"{what}: {os.path.relpath(path, root)} does not exist")

# Paths the containers see under /opt/fleetlearn/config are config/ of the repository (compose
# mounts it; on Kubernetes the ConfigMap generated from config/pipeline.properties is mounted there).
CONTAINER_CONFIG = re.compile(r"/opt/fleetlearn/config/([\w./-]+)")

compose = yaml.safe_load(open(os.path.join(rendered, "compose.yaml")))
dockerfiles = set()
for name, service in compose["services"].items():
    build = service.get("build")
    if build:
        exists(build["context"], f"service {name} build context")
        dockerfiles.add(os.path.join(build["context"], build.get("dockerfile", "Dockerfile")))
    for volume in service.get("volumes", []):
        source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
        if source.startswith("/"):
            exists(source, f"service {name} volume")
    command = service.get("command") or []
    for word in command if isinstance(command, list) else [command]:
        for path in CONTAINER_CONFIG.findall(str(word)):
            exists(os.path.join(root, "config", path), f"service {name} command")

# Dockerfile COPY sources, and that .dockerignore lets them into the build context.
ignore = [l.strip() for l in open(".dockerignore") if l.strip() and not l.startswith("#")]
for dockerfile in sorted(dockerfiles):
    exists(dockerfile, "compose build")
    for line in open(dockerfile):
        m = re.match(r"\s*COPY\s+(?:--\S+\s+)*(.+)\s+\S+\s*$", line)
        if not m:
            continue
        for source in m.group(1).split():
            exists(os.path.join(root, source), f"{os.path.relpath(dockerfile, root)} COPY")
            if "*" in ignore and not any(
                l.startswith("!") and (source == l[1:] or source.startswith(l[1:].rstrip("/") + "/"))
                for l in ignore
            ):
                problems.append(f".dockerignore keeps {source} out of the build context")

# Paths in the rendered manifests that come from config/.
for manifest in glob.glob(os.path.join(rendered, "deploy_*.yaml")):
    for path in CONTAINER_CONFIG.findall(open(manifest).read()):
        exists(os.path.join(root, "config", path), os.path.basename(manifest))

# Every dashboard of grafana/dashboards/ is a ConfigMap for Kubernetes, and nothing else is listed.
kustomization = yaml.safe_load(open("grafana/kustomization.yaml"))
listed = {f for g in kustomization.get("configMapGenerator", []) for f in g.get("files", [])}
shipped = {os.path.relpath(p, "grafana") for p in glob.glob("grafana/dashboards/*.json")}
for missing in sorted(shipped - listed):
    problems.append(f"grafana/{missing} is not in grafana/kustomization.yaml")
exists(os.path.join(root, "grafana/provisioning"), "grafana provisioning")

# The compose Prometheus scrapes the jobs of config/prometheus.yml, with the same paths.
def jobs(path):
    config = yaml.safe_load(open(path))
    return {j["job_name"]: j.get("metrics_path", "/metrics") for j in config["scrape_configs"]}

if jobs("config/prometheus-compose.yml") != jobs("config/prometheus.yml"):
    problems.append(
        "config/prometheus-compose.yml scrapes other jobs than config/prometheus.yml: "
        f"{jobs('config/prometheus-compose.yml')} vs {jobs('config/prometheus.yml')}"
    )

# Both Prometheus configurations load the same rule files, and compose mounts each one next to the
# configuration (rule_files are relative to it).
def rule_files(path):
    return yaml.safe_load(open(path)).get("rule_files", [])

if rule_files("config/prometheus-compose.yml") != rule_files("config/prometheus.yml"):
    problems.append("config/prometheus-compose.yml loads other rule files than config/prometheus.yml")
for rule_file in rule_files("config/prometheus.yml"):
    exists(os.path.join(root, "config", rule_file), "config/prometheus.yml rule_files")
mounts = {
    v.split(":")[1] if isinstance(v, str) else v.get("target")
    for v in compose["services"]["prometheus"].get("volumes", [])
}
for rule_file in rule_files("config/prometheus-compose.yml"):
    if "/etc/prometheus/" + rule_file not in mounts:
        problems.append(f"the compose prometheus service does not mount {rule_file} in /etc/prometheus")

for p in problems:
    print("      " + p)
sys.exit(1 if problems else 0)
PYTHON
  pass "every file that docker-compose.yml, the Dockerfile and the manifests refer to exists"
else
  fail "files referred to by docker-compose.yml, the Dockerfile or the manifests"
fi

# 6. What the operator makes of the pod templates, and the API versions of the custom resources.
if /usr/bin/python3 - "${rendered_dir}" << 'PYTHON'; then
import copy, glob, os, sys
import yaml

rendered = sys.argv[1]
problems = []

def merge(base, override, by_name):
    # The Flink Kubernetes Operator's merge of a component's podTemplate into the common one: maps
    # key by key, lists position by position (the default) or, with
    # kubernetes.operator.pod-template.merge-arrays-by-name, elements with a name by their name
    # (the union of both lists), the component's value winning.
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value, by_name) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(override, list):
        named = lambda items: all(isinstance(i, dict) and "name" in i for i in items)
        if by_name and named(base) and named(override):
            overrides = {i["name"]: i for i in override}
            merged = [merge(i, overrides[i["name"]], by_name) if i["name"] in overrides else i for i in base]
            known = {i["name"] for i in base}
            return merged + [copy.deepcopy(i) for i in override if i["name"] not in known]
        merged = []
        for i in range(max(len(base), len(override))):
            if i < len(base) and i < len(override):
                merged.append(merge(base[i], override[i], by_name))
            else:
                merged.append(copy.deepcopy(base[i] if i < len(base) else override[i]))
        return merged
    return copy.deepcopy(override if override is not None else base)

def main_container(pod_template):
    for container in (pod_template or {}).get("spec", {}).get("containers", []):
        if container.get("name") == "flink-main-container":
            return container
    return {}

for path in sorted(glob.glob(os.path.join(rendered, "deploy_*.yaml"))):
    name = os.path.basename(path)
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    monitors = [d for d in docs if d["kind"] == "PodMonitor"]
    for topic in (d for d in docs if d["kind"] == "KafkaTopic"):
        if topic["apiVersion"] != "kafka.strimzi.io/v1":
            problems.append(f"{name}: KafkaTopic {topic['metadata']['name']} is {topic['apiVersion']}, not kafka.strimzi.io/v1")
    for flink in (d for d in docs if d["kind"] == "FlinkDeployment"):
        app = flink["metadata"]["name"]
        spec = flink["spec"]
        reporter_port = int(spec.get("flinkConfiguration", {}).get("metrics.reporter.prom.port", 0))
        for component, key in (("jobmanager", "jobManager"), ("taskmanager", "taskManager")):
            for by_name in (False, True):
                mode = "by name" if by_name else "by position"
                pod = merge(spec.get("podTemplate") or {}, spec[key].get("podTemplate") or {}, by_name)
                ports = {p.get("name"): p.get("containerPort") for p in main_container(pod).get("ports", [])}
                if ports.get("flink-metrics") != reporter_port:
                    problems.append(
                        f"{name}: the {component} of {app} (merged {mode}) has flink-metrics "
                        f"{ports.get('flink-metrics')}, not the reporter's port {reporter_port}: {ports}")
                # Every port a PodMonitor that selects this component's pods scrapes.
                labels = {"app": app, "component": component, "type": "flink-native-kubernetes"}
                for monitor in monitors:
                    selector = monitor["spec"]["selector"].get("matchLabels", {})
                    if any(labels.get(k) != v for k, v in selector.items()):
                        continue
                    for endpoint in monitor["spec"]["podMetricsEndpoints"]:
                        if endpoint["port"] not in ports:
                            problems.append(
                                f"{name}: PodMonitor {monitor['metadata']['name']} scrapes port "
                                f"{endpoint['port']}, which the {component} of {app} (merged {mode}) "
                                f"does not declare: {ports}")
                if component == "taskmanager" and not by_name:
                    print(f"      {name}: {component} ports {sorted(ports.items())}")

for p in problems:
    print("      " + p)
sys.exit(1 if problems else 0)
PYTHON
  pass "the Flink pods declare every port their PodMonitors scrape; KafkaTopics are kafka.strimzi.io/v1"
else
  fail "merged Flink pod templates, or the custom resources' API versions"
fi

echo "deploy: ${passed} passed, ${failed} failed"
((failed == 0))
