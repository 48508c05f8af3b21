"""Checks the Kubernetes manifests offline: renders base and production as
`kubectl kustomize` does, validates every object against the Kubernetes
schemas (kubernetes-validate, strict: an unknown field is an error), and
checks the promises deploy/README.md makes about them. Run by
deploy/validate, which provides the pinned kubernetes-validate.

Rendering: with kubectl on the PATH its `kubectl kustomize` output is
validated, and the small renderer below must give the same objects; without
kubectl the small renderer's output is validated. It knows only what these
kustomizations use (resources, namespace, images, strategic-merge patches by
file) and refuses anything else rather than render it wrongly.
"""

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
KUSTOMIZATIONS = ["base", "overlays/production"]
EXAMPLES = ["overlays/production/secret.example.yaml"]
# The oldest Kubernetes the manifests are meant for, and the newest schemas
# kubernetes-validate carries.
VERSIONS = ["1.30.0", "1.37.0"]

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
                  "StorageClass", "IngressClass", "PriorityClass", "CustomResourceDefinition"}
# Strategic merge: the lists merged item by item, by this key (the rest are replaced).
MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name",
              "volumes": "name", "volumeMounts": "mountPath", "imagePullSecrets": "name"}
KNOWN_FIELDS = {"apiVersion", "kind", "namespace", "resources", "images", "patches"}


class Failure(Exception):
    pass


def documents(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def merge(base, patch, key=None):
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = merge(out[k], v, k)
            else:
                out[k] = copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(patch, list) and key in MERGE_KEYS:
        by = MERGE_KEYS[key]
        out = [copy.deepcopy(item) for item in base]
        for item in patch:
            match = [i for i, old in enumerate(out) if old.get(by) == item.get(by)]
            if match:
                out[match[0]] = merge(out[match[0]], item)
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


def pod_specs(obj):
    spec = obj.get("spec", {})
    if obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}:
        yield spec["template"]["spec"]
    elif obj["kind"] == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]


def containers(obj):
    for pod in pod_specs(obj):
        yield from pod.get("initContainers", [])
        yield from pod.get("containers", [])


def render(folder):
    kustomization = documents(folder / "kustomization.yaml")[0]
    unknown = set(kustomization) - KNOWN_FIELDS
    if unknown:
        raise Failure(f"{folder}: the fallback renderer does not know {sorted(unknown)}; "
                      "render with kubectl kustomize")
    objects = []
    for entry in kustomization.get("resources", []):
        path = folder / entry
        objects += render(path) if path.is_dir() else documents(path)
    for patch in kustomization.get("patches", []):
        if set(patch) != {"path"}:
            raise Failure(f"{folder}: only patches by file are known: {patch}")
        for doc in documents(folder / patch["path"]):
            targets = [i for i, o in enumerate(objects)
                       if o["kind"] == doc["kind"]
                       and o["metadata"]["name"] == doc["metadata"]["name"]]
            if len(targets) != 1:
                raise Failure(f"{folder}: patch {patch['path']} matches {len(targets)} objects")
            objects[targets[0]] = merge(objects[targets[0]], doc)
    for image in kustomization.get("images", []):
        for obj in objects:
            for c in containers(obj):
                name = re.split(r"[:@]", c["image"].rsplit("/", 1)[-1])[0]
                prefix = c["image"].rsplit("/", 1)[0] + "/" if "/" in c["image"] else ""
                if prefix + name == image["name"]:
                    c["image"] = image.get("newName", image["name"]) + ":" + image["newTag"]
    if "namespace" in kustomization:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = kustomization["namespace"]
    return objects


def keyed(objects):
    return {(o["apiVersion"], o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o
            for o in objects}


def rendered(folder):
    ours = render(folder)
    if shutil.which("kubectl") is None:
        return ours, "the built-in renderer (no kubectl here)"
    out = subprocess.run(["kubectl", "kustomize", str(folder)], check=True,
                         capture_output=True, text=True).stdout
    theirs = [d for d in yaml.safe_load_all(out) if d is not None]
    if keyed(ours) != keyed(theirs):
        raise Failure(f"{folder}: the built-in renderer and kubectl kustomize disagree")
    return theirs, "kubectl kustomize (the built-in renderer agrees)"


def only(objects, kind, component=None):
    found = [o for o in objects if o["kind"] == kind
             and (component is None
                  or o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component)]
    if len(found) != 1:
        raise Failure(f"expected one {kind} {component or ''}, found {len(found)}")
    return found[0]


def check_promises(objects, replicas):
    """What deploy/README.md says about the manifests, so that it stays true."""
    problems = []
    drain = int(re.search(r"\.shutdown_timeout\((\d+)\)",
                          (ROOT / "api/src/startup.rs").read_text(encoding="utf-8")).group(1))
    deployment = only(objects, "Deployment", "server")
    job = only(objects, "Job", "migration")
    config = only(objects, "ConfigMap")
    hpa = only(objects, "HorizontalPodAutoscaler")
    only(objects, "PodDisruptionBudget")
    only(objects, "Service")
    if [o for o in objects if o["kind"] == "Secret"]:
        problems.append("a Secret is rendered: placeholders would be applied")
    if deployment["spec"]["replicas"] != replicas:
        problems.append(f"Deployment has {deployment['spec']['replicas']} replicas, not {replicas}")
    if hpa["spec"]["minReplicas"] != replicas:
        problems.append("the autoscaler's minReplicas differs from the Deployment's replicas")
    if job["spec"]["template"]["spec"]["containers"][0].get("args") != ["seed"]:
        problems.append("the migration Job does not run `navigator seed`")

    pod = deployment["spec"]["template"]["spec"]
    server = pod["containers"][0]
    if server["readinessProbe"]["httpGet"]["path"] != "/readyz":
        problems.append("readiness probe is not /readyz")
    if server["livenessProbe"]["httpGet"]["path"] != "/healthz":
        problems.append("liveness probe is not /healthz")
    pre_stop = server.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    pre_stop_seconds = int(pre_stop[1]) if pre_stop[:1] == ["sleep"] else 0
    if pod["terminationGracePeriodSeconds"] <= pre_stop_seconds + drain:
        problems.append(f"terminationGracePeriodSeconds {pod['terminationGracePeriodSeconds']} "
                        f"is not longer than preStop {pre_stop_seconds} s + drain {drain} s")

    for obj in (deployment, job):
        name = f"{obj['kind']} {obj['metadata']['name']}"
        spec = next(pod_specs(obj))
        if not spec.get("securityContext", {}).get("runAsNonRoot"):
            problems.append(f"{name}: runAsNonRoot is not set")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: a service account token is mounted")
        mounts = {}
        for volume in spec.get("volumes", []):
            if "secret" in volume:
                keys = [i["path"] for i in volume["secret"].get("items", [])] or None
                mounts[volume["name"]] = keys
        for c in containers(obj):
            sc = c.get("securityContext", {})
            if not sc.get("readOnlyRootFilesystem") or sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{name}/{c['name']}: root filesystem writable or escalation allowed")
            if sc.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{name}/{c['name']}: capabilities not dropped")
            limits = c.get("resources", {}).get("limits", {})
            if "memory" not in c.get("resources", {}).get("requests", {}) or "memory" not in limits:
                problems.append(f"{name}/{c['name']}: no memory request and limit")
            # Every *_FILE variable names a file that a mounted Secret provides.
            files = {k: v for k, v in config["data"].items() if k.endswith("_FILE")}
            files.update({e["name"]: e["value"] for e in c.get("env", []) if e["name"].endswith("_FILE")})
            for variable, path in files.items():
                mount = next((m for m in c.get("volumeMounts", [])
                              if path.startswith(m["mountPath"].rstrip("/") + "/")), None)
                if mount is None or mount["name"] not in mounts:
                    problems.append(f"{name}/{c['name']}: {variable} {path} is on no mounted Secret")
                elif mounts[mount["name"]] is not None and \
                        path[len(mount["mountPath"].rstrip("/")) + 1:] not in mounts[mount["name"]]:
                    problems.append(f"{name}/{c['name']}: {variable} {path} is not among the Secret's items")
    return problems


def validate(objects, source):
    errors = []
    for obj in objects:
        for version in VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as e:
                errors.append(f"{source}: {obj['kind']} {obj['metadata']['name']} "
                              f"(Kubernetes {version}): {e.message} at {list(e.path)}")
    return errors


def main():
    failures = []
    count = 0
    for name in KUSTOMIZATIONS:
        try:
            objects, how = rendered(HERE / name)
        except (Failure, subprocess.CalledProcessError) as e:
            failures.append(str(e))
            continue
        count += len(objects)
        failures += validate(objects, name)
        try:
            problems = check_promises(objects, 3 if name.startswith("overlays/production") else 1)
        except (Failure, KeyError, IndexError, TypeError) as e:
            problems = [f"cannot check: {e!r}"]
        failures += [f"{name}: {p}" for p in problems]
        print(f"{name}: {len(objects)} objects, rendered by {how}")
    for name in EXAMPLES:
        objects = documents(HERE / name)
        count += len(objects)
        failures += validate(objects, name)
    for failure in failures:
        print("INVALID " + failure, file=sys.stderr)
    if failures:
        sys.exit(1)
    print(f"{count} Kubernetes objects valid against the schemas of {' and '.join(VERSIONS)}")


if __name__ == "__main__":
    main()
