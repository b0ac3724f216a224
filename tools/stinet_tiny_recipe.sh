#!/usr/bin/env bash
# The tiny STINet CPU recipe of the README, run by run, then its test on the three held-out
# bundled septuplets (all 7 frames, then the input and the intermediate times apart).
#
# Stage 1 (the 16-channel dense DBPN alone) is not rerun: its weights ship as
# checkpoints/stinet-tiny-s-sr_x4_bundled.pth. Stage 2 trains the rest with it frozen, and the
# continuation config chains more runs, each from the last checkpoint of the one before (a fresh
# optimiser each time). A run whose last checkpoint exists is skipped, so an interrupted chain
# picks up where it stopped. About 8 hours on 2 CPU cores.
#
# Usage: bash tools/stinet_tiny_recipe.sh [--dry-run]
#        PYTHON=python bash tools/stinet_tiny_recipe.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
DRY_RUN=0
case "${1:-}" in
  '') ;;
  --dry-run) DRY_RUN=1 ;;
  *) echo "usage: bash tools/stinet_tiny_recipe.sh [--dry-run]" >&2; exit 2 ;;
esac

STAGE2=configs/stinet/stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py
CONT=configs/stinet/stinet-tiny-frozen-s-sr-cont_x4_1xb2-2k_vimeo-septuplet.py
WORK=work_dirs/stinet-tiny-frozen-s-sr

run() {
  echo "+ $*"
  if [ "$DRY_RUN" = 0 ]; then "$@"; fi
}

# train CONFIG WORK_DIR LAST_CHECKPOINT [--cfg-options ...]
train() {
  local config=$1 work_dir=$2 last=$3
  shift 3
  if [ "$DRY_RUN" = 0 ] && [ -f "$work_dir/$last" ]; then
    echo "= $work_dir/$last exists, skipped"
    return
  fi
  run "$PY" tools/train.py "$config" --work-dir "$work_dir" "$@"
}

train "$STAGE2" "$WORK" iter_1000.pth
train "$CONT" "$WORK-cont" iter_2000.pth --cfg-options load_from="$WORK/iter_1000.pth"
train "$CONT" "$WORK-cont2" iter_2000.pth --cfg-options load_from="$WORK-cont/iter_2000.pth"
train "$CONT" "$WORK-cont3" iter_2000.pth --cfg-options load_from="$WORK-cont2/iter_2000.pth"
train "$CONT" "$WORK-cont4" iter_700.pth --cfg-options load_from="$WORK-cont3/iter_2000.pth" \
  train_cfg.max_iters=700 train_cfg.val_interval=700 'param_scheduler.milestones=[450,600]'
# 500 iterations at a constant 1e-4 (the milestones lie past the end)
train "$CONT" "$WORK-cont5" iter_500.pth --cfg-options load_from="$WORK-cont4/iter_700.pth" \
  optim_wrapper.optimizer.lr=1e-4 train_cfg.max_iters=500 train_cfg.val_interval=500
train "$CONT" "$WORK-cont6" iter_700.pth --cfg-options load_from="$WORK-cont5/iter_500.pth" \
  train_cfg.max_iters=700 train_cfg.val_interval=700 'param_scheduler.milestones=[450,600]'

FINAL="$WORK-cont6/iter_700.pth"
run "$PY" tools/test.py "$CONT" "$FINAL"
for frames in '[0,2,4,6]' '[1,3,5]'; do
  run "$PY" tools/test.py "$CONT" "$FINAL" --cfg-options "test_evaluator.0.frames=$frames"
done
