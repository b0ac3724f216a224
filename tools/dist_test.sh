#!/usr/bin/env bash
# Distributed testing with torchrun: tools/dist_test.sh CONFIG [CHECKPOINT] NUM_PROCS [test.py args...]
# The checkpoint may be left out for non-learned models: tools/dist_test.sh CONFIG NUM_PROCS ...
set -euo pipefail
CONFIG=$1
if [[ "$2" =~ ^[0-9]+$ ]]; then CKPT=(); NPROC=$2; shift 2; else CKPT=("$2"); NPROC=$3; shift 3; fi
PORT=${PORT:-29500}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON=${PYTHON:-"$ROOT/.venv/bin/python"}
"$PYTHON" -m torch.distributed.run --nproc_per_node="$NPROC" --master_port="$PORT" \
  "$ROOT/tools/test.py" "$CONFIG" "${CKPT[@]}" --launcher pytorch "$@"
