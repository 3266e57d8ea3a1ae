#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as Spark's ResourceInformation JSON,
# e.g. {"name":"gpu","addresses":["0","1"]}. Set it as spark.{executor,worker}.resource.gpu.discoveryScript.
# Honours CUDA_VISIBLE_DEVICES when a resource manager already narrowed the devices.
set -euo pipefail
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  ids="$CUDA_VISIBLE_DEVICES"
elif command -v nvidia-smi >/dev/null 2>&1; then
  ids="$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, -)"
else
  ids=""
fi
addresses="$(echo "$ids" | tr ',' '\n' | sed '/^$/d' | sed 's/.*/"&"/' | paste -sd, -)"
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
