#!/bin/bash
# contrib/kubernetes/panya-indexed-job.yaml, checked without a cluster: a JSON Schema of the
# fields the recipe relies on (an Indexed batch/v1 Job whose pods run `panya transcode-job`
# with the completion index as the shard, N = completions, plan and cache on one shared
# volume), and that the shard count in the command matches completions.
. "$(dirname "$0")/lib.sh"
python3 -c 'import yaml, jsonschema' 2>/dev/null || { echo "SKIP: python3-yaml or python3-jsonschema is missing"; exit 77; }
python3 - "$PANYA_SOURCE_ROOT/contrib/kubernetes/panya-indexed-job.yaml" <<'PY' || fail "the Kubernetes manifest does not have the structure the recipe needs"
import re, sys, yaml, jsonschema
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
assert len(docs) == 1, "one document"
job = docs[0]
schema = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "batch/v1"},
        "kind": {"const": "Job"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {
            "type": "object",
            "required": ["completionMode", "completions", "parallelism", "template"],
            "properties": {
                "completionMode": {"const": "Indexed"},
                "completions": {"type": "integer", "minimum": 1},
                "parallelism": {"type": "integer", "minimum": 1},
                "backoffLimitPerIndex": {"type": "integer", "minimum": 0},
                "template": {
                    "type": "object",
                    "required": ["spec"],
                    "properties": {"spec": {
                        "type": "object",
                        "required": ["restartPolicy", "containers", "volumes"],
                        "properties": {
                            "restartPolicy": {"enum": ["Never", "OnFailure"]},
                            "containers": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
                                "type": "object",
                                "required": ["name", "image", "command", "volumeMounts"],
                                "properties": {
                                    "image": {"type": "string", "minLength": 1},
                                    "command": {"type": "array", "items": {"type": "string"}},
                                    "volumeMounts": {"type": "array", "minItems": 1, "items": {
                                        "type": "object", "required": ["name", "mountPath"]}},
                                },
                            }},
                            "volumes": {"type": "array", "minItems": 1, "items": {
                                "type": "object", "required": ["name", "persistentVolumeClaim"],
                                "properties": {"persistentVolumeClaim": {
                                    "type": "object", "required": ["claimName"]}}}},
                        },
                    }},
                },
            },
        },
    },
}
jsonschema.Draft7Validator.check_schema(schema)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(job))
for e in errors:
    print("    %s: %s" % ("/".join(map(str, e.absolute_path)), e.message), file=sys.stderr)
if errors:
    sys.exit(1)
spec = job["spec"]
pod = spec["template"]["spec"]
container = pod["containers"][0]
command = " ".join(container["command"])
m = re.search(r'panya transcode-job (\S+) --shard "?\$JOB_COMPLETION_INDEX/(\d+)"? --cache (\S+)', command)
assert m, "the command runs panya transcode-job --shard $JOB_COMPLETION_INDEX/N --cache DIR: " + command
plan, shards, cache = m.group(1), int(m.group(2)), m.group(3)
assert shards == spec["completions"], "--shard's N (%d) is completions (%d)" % (shards, spec["completions"])
assert spec["parallelism"] <= spec["completions"]
mounts = {v["mountPath"]: v["name"] for v in container["volumeMounts"]}
volumes = {v["name"] for v in pod["volumes"]}
for path in (plan, cache):
    assert any(path.startswith(p.rstrip("/") + "/") and mounts[p] in volumes for p in mounts), \
        path + " is on a mounted shared volume"
PY
finish
