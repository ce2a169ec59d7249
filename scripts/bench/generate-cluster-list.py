#!/usr/bin/env python3
"""Writes a `kubectl get namespaces,pods,configmaps -A -o json` list of a large cluster to stdout.

Pods look like what kubectl prints (containers with env and probes, volumes,
tolerations, status with conditions and container statuses): about 10 KB each in kubectl's
four-space indentation, so 50,000 Pods make roughly 500 MB. Workloads mix Deployments,
StatefulSets, DaemonSets, Jobs and bare Pods; a third of the namespaces opt in.
"""
import json
import random
import sys

def namespace(name, label):
    labels = {"kubernetes.io/metadata.name": name}
    if label:
        labels["dnsguard.dev/inject"] = label
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"creationTimestamp": "2026-01-01T00:00:00Z", "labels": labels, "name": name,
                         "resourceVersion": "1000", "uid": f"00000000-0000-4000-8000-{abs(hash(name)) % 10**12:012d}"},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

def container(name, rng):
    return {
        "name": name, "image": f"registry.example.com/team/{name}:v1.{rng.randrange(100)}.{rng.randrange(100)}",
        "imagePullPolicy": "IfNotPresent",
        "args": ["--config=/etc/app/config.yaml"],
        "env": [{"name": f"SETTING_{i}", "value": f"value-{rng.randrange(10**6)}"} for i in range(3)]
              + [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                 {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": "db"}}}],
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}, {"containerPort": 9090, "name": "metrics", "protocol": "TCP"}],
        "livenessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
        "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/readyz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 1},
        "resources": {"limits": {"cpu": "1", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "volumeMounts": [{"mountPath": "/etc/app", "name": "config", "readOnly": True},
                         {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access", "readOnly": True}],
    }

def pod(ns, index, rng):
    kind = rng.choices(["Deployment", "StatefulSet", "DaemonSet", "Job", "Pod"], [70, 10, 10, 5, 5])[0]
    app = f"app-{index % 40}"
    labels = {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "shop"}
    owners = []
    suffix = "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))
    if kind == "Deployment":
        h = f"{abs(hash(app)) % 16**10:010x}"
        labels["pod-template-hash"] = h
        owners = [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": "ReplicaSet", "name": f"{app}-{h}", "uid": "11111111-2222-4333-8444-555555555555"}]
        name = f"{app}-{h}-{suffix}"
    elif kind == "StatefulSet":
        owners = [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": "StatefulSet", "name": app, "uid": "11111111-2222-4333-8444-555555555556"}]
        name = f"{app}-{index}"
    elif kind == "DaemonSet":
        owners = [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": "DaemonSet", "name": app, "uid": "11111111-2222-4333-8444-555555555557"}]
        name = f"{app}-{suffix}"
    elif kind == "Job":
        owners = [{"apiVersion": "batch/v1", "blockOwnerDeletion": True, "controller": True, "kind": "Job", "name": f"{app}-2941{index % 10000:04d}", "uid": "11111111-2222-4333-8444-555555555558"}]
        name = f"{app}-2941{index % 10000:04d}-{suffix}"
    else:
        name = f"{app}-debug-{index}"
    spec = {
        "containers": [container(app, rng)],
        "dnsPolicy": "ClusterFirst", "enableServiceLinks": True, "nodeName": f"ip-10-0-{index % 200}-{index % 250}.ec2.internal",
        "preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Never" if kind == "Job" else "Always",
        "schedulerName": "default-scheduler", "securityContext": {"runAsNonRoot": True, "fsGroup": 2000},
        "serviceAccount": "default", "serviceAccountName": "default", "terminationGracePeriodSeconds": 30,
        "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}],
        "volumes": [{"configMap": {"defaultMode": 420, "name": f"{app}-config"}, "name": "config"},
                    {"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}]}}],
    }
    if index % 50 == 0:
        spec["dnsConfig"] = {"options": [{"name": "ndots", "value": "2"}]}
    if index % 997 == 0:
        spec["dnsConfig"] = {"options": [{"name": "use-vc"}]}
    if kind == "DaemonSet" and index % 3 == 0:
        spec["hostNetwork"] = True
    metadata = {
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-03T10:00:00Z", "prometheus.io/scrape": "true"},
        "creationTimestamp": "2026-01-03T10:00:05Z", "labels": labels, "name": name, "namespace": ns,
        "resourceVersion": str(100000 + index), "uid": f"{index:08d}-0000-4000-8000-000000000000",
    }
    if owners:
        metadata["ownerReferences"] = owners
        metadata["generateName"] = name.rsplit("-", 1)[0] + "-"
    status = {
        "phase": "Succeeded" if kind == "Job" else "Running", "hostIP": "10.0.1.23", "podIP": f"10.1.{index % 250}.{index % 200}",
        "qosClass": "Burstable", "startTime": "2026-01-03T10:00:05Z",
        "conditions": [{"lastProbeTime": None, "lastTransitionTime": "2026-01-03T10:00:05Z", "status": "True", "type": t}
                       for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
        "containerStatuses": [{"containerID": f"containerd://{index:064x}", "image": f"registry.example.com/team/{c}:v1",
                               "imageID": f"registry.example.com/team/{c}@sha256:{index:064x}", "lastState": {}, "name": c,
                               "ready": True, "restartCount": 0, "started": True,
                               "state": {"running": {"startedAt": "2026-01-03T10:00:10Z"}}} for c in (app,)],
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}

def main():
    pods = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    namespaces = max(1, pods // 100)
    rng = random.Random(9)
    out = sys.stdout
    out.write('{\n    "apiVersion": "v1",\n    "items": [\n')
    first = True
    def emit(obj):
        nonlocal first
        text = json.dumps(obj, indent=4)
        out.write(("" if first else ",\n") + "\n".join("        " + line for line in text.split("\n")))
        first = False
    names = [f"team-{i:04d}" for i in range(namespaces)]
    for i, name in enumerate(names):
        emit(namespace(name, "enabled" if i % 3 == 0 else None))
    for index in range(pods):
        emit(pod(names[index % namespaces], index, rng))
    for name in names:
        emit({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": name},
              "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUbench\n-----END CERTIFICATE-----\n"}})
    emit({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "node-local-dns", "namespace": "kube-system"},
          "data": {"Corefile": "cluster.local:53 {\n    errors\n    cache 30\n    forward . __PILLAR__CLUSTER__DNS__ {\n        force_tcp\n    }\n}\n"}})
    out.write('\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n')

if __name__ == "__main__":
    main()
