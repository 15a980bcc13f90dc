#!/usr/bin/env bash
# Spark GPU resource discovery for executors (spark.executor.resource.gpu.discoveryScript).
# Prints the GPUs this executor may use as {"name": "gpu", "addresses": ["0", "1", ...]}.
# Honours CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES when a container runtime sets them
# (the addresses must be the ids the CUDA runtime sees); otherwise asks nvidia-smi.
# Copy it to the same path on every node and make it executable.
set -euo pipefail
ids="${CUDA_VISIBLE_DEVICES:-}"
if [[ -z "$ids" || "$ids" == "all" ]]; then
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo '{"name": "gpu", "addresses": []}'
    exit 0
  fi
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, -)
fi
out=""
IFS=',' read -ra arr <<< "$ids"
for i in "${!arr[@]}"; do
  # Inside a container with a device subset, CUDA renumbers from 0.
  out+="${out:+, }\"$i\""
done
echo "{\"name\": \"gpu\", \"addresses\": [${out}]}"
