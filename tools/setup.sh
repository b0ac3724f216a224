#!/usr/bin/env bash
# Build the whole mmstvsr stack into the project venv `.venv/` at the repository root.
#
# Idempotent: a second run (or a fresh clone on the same machine) checks a stamp and takes seconds.
# mmcv 2.1.0 has no wheel for this torch on PyPI, so it is compiled once from its sdist with its ops
# (CPU, plus CUDA where a GPU is visible) and cached as a wheel under $MMSTVSR_CACHE
# (default ~/.cache/mmstvsr), outside the clone.
#
# Usage: bash tools/setup.sh            # set up (or verify) .venv
#        MMSTVSR_PYTHON=python3.11 bash tools/setup.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY_BOOT="${MMSTVSR_PYTHON:-python3}"
CACHE="${MMSTVSR_CACHE:-$HOME/.cache/mmstvsr}"
REQ="$ROOT/requirements"
CONSTRAINTS="$REQ/constraints.txt"
TORCH_VERSION="$(sed -n 's/^torch==//p' "$CONSTRAINTS")"
MMCV_VERSION="$(sed -n 's/^mmcv==//p' "$CONSTRAINTS")"
WHEELS="$CACHE/wheels/torch-$TORCH_VERSION"

log() { printf '[setup %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# The stamp covers everything that decides what is installed.
stamp_of() {
  cat "$REQ"/*.txt "$ROOT/setup.py" "$ROOT/tools/setup.sh" | sha256sum | cut -d' ' -f1
}
STAMP_FILE="$VENV/.mmstvsr-setup-stamp"
STAMP="$(stamp_of)"

check_imports() {
  "$VENV/bin/python" - <<'EOF'
import mmcv.ops  # compiled ops (deformable conv) must load
import mmagic.models, mmagic.datasets, mmagic.evaluation, mmagic.engine, mmagic.apis  # noqa
import mmstvsr  # noqa
EOF
}

if [[ -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$STAMP" ]] && check_imports 2>/dev/null; then
  log "environment is up to date ($VENV); nothing to do"
  exit 0
fi

command -v "$PY_BOOT" >/dev/null || die "'$PY_BOOT' not found: install Python 3.11 or set MMSTVSR_PYTHON"
"$PY_BOOT" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null \
  || die "'$PY_BOOT' is not Python 3.11 (the pinned torch/mmcv stack needs 3.11): set MMSTVSR_PYTHON"

if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating venv $VENV"
  "$PY_BOOT" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
PIPC=("${PIP[@]}" install -c "$CONSTRAINTS")

log "installing build tools and torch $TORCH_VERSION (first run downloads several GB)"
"${PIPC[@]}" -q wheel ninja "torch==$TORCH_VERSION" torchvision numpy

# ---- mmcv, compiled once and cached ----------------------------------------------------------
mkdir -p "$WHEELS"
MMCV_WHEEL="$(ls "$WHEELS"/mmcv-"$MMCV_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
if [[ -z "$MMCV_WHEEL" ]]; then
  log "no cached mmcv $MMCV_VERSION wheel in $WHEELS: building it from the PyPI sdist"
  log "this compiles mmcv's ops: 10-30 minutes on 2 cores, once per machine"
  BUILD="$(mktemp -d)"
  trap 'rm -rf "$BUILD"' EXIT
  "${PIPC[@]}" -q addict packaging Pillow pyyaml yapf
  # mmcv 2.1.0's setup.py needs pkg_resources as setuptools < 70 provides it; torch itself wants
  # setuptools >= 77, so the old one is installed only for this build and replaced after it.
  "${PIP[@]}" install -q "setuptools<70" 2>&1 | grep -v "incompatible\|dependency conflicts\|^torch " || true
  "${PIP[@]}" download -q --no-deps --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$BUILD"
  tar -xzf "$BUILD"/mmcv-"$MMCV_VERSION".tar.gz -C "$BUILD"
  SRC="$BUILD/mmcv-$MMCV_VERSION"
  # torch 2.14's headers need C++20; mmcv 2.1.0 hard-codes -std=c++17.
  sed -i 's/-std=c++17/-std=c++20/g' "$SRC/setup.py"
  ( cd "$SRC" && MMCV_WITH_OPS=1 FORCE_CUDA="${FORCE_CUDA:-0}" MAX_JOBS="${MAX_JOBS:-2}" \
      "${PIP[@]}" wheel --no-build-isolation --no-deps -w "$BUILD/dist" . )
  built="$(ls "$BUILD"/dist/mmcv-*.whl)"
  # copy then rename so that an interrupted build never leaves a half-written wheel in the cache
  cp "$built" "$WHEELS/.partial.whl"
  mv "$WHEELS/.partial.whl" "$WHEELS/$(basename "$built")"
  MMCV_WHEEL="$WHEELS/$(basename "$built")"
  log "cached $MMCV_WHEEL"
else
  log "using cached mmcv wheel $MMCV_WHEEL"
fi
# setuptools as constraints.txt pins it (>= 77.0.3 for torch, < 81 for the pkg_resources that
# MMEngine's `mmagic::` config inheritance needs): replaces the build's old one, and a newer one
# that an earlier setup or a torch install pulled into an existing venv.
"${PIPC[@]}" -q setuptools

log "installing mmcv, mmengine, mmagic (--no-deps) and runtime requirements"
"${PIPC[@]}" -q "$MMCV_WHEEL" addict packaging Pillow pyyaml yapf "mmengine==$(sed -n 's/^mmengine==//p' "$CONSTRAINTS")"
"${PIPC[@]}" -q --no-deps "mmagic==$(sed -n 's/^mmagic==//p' "$CONSTRAINTS")"
"${PIPC[@]}" -q -r "$REQ/runtime.txt" -r "$REQ/tests.txt"
log "installing mmstvsr in editable mode"
"${PIPC[@]}" -q --no-deps --no-build-isolation -e "$ROOT"

log "checking imports"
check_imports || die "the environment was installed but imports fail (see the traceback above)"
echo "$STAMP" > "$STAMP_FILE"
log "done: use $VENV/bin/python"
