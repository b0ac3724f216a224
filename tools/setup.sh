#!/usr/bin/env bash
# Build the whole mmstvsr stack into the project venv `.venv/` at the repository root.
#
# Idempotent: a second run (or a fresh clone on the same machine) checks a stamp and takes seconds.
# mmcv 2.1.0 has no wheel for this torch on PyPI, so it is compiled once from its sdist with its ops
# and cached as a wheel under $MMSTVSR_CACHE (default ~/.cache/mmstvsr), outside the clone: CPU ops
# only, or, where a GPU and `nvcc` are present, CPU and CUDA ops (FORCE_CUDA=1) for that GPU's
# architecture; the two kinds of wheel are cached under different folders (see mmcv_build below).
#
# Usage: bash tools/setup.sh            # set up (or verify) .venv
#        MMSTVSR_PYTHON=python3.11 bash tools/setup.sh
#        FORCE_CUDA=0 bash tools/setup.sh    # CPU ops only, even on a GPU machine
#        FORCE_CUDA=1 TORCH_CUDA_ARCH_LIST=9.0 bash tools/setup.sh   # CUDA ops without a GPU
#        bash tools/setup.sh --mmcv-build   # print which mmcv build and cache folder, do nothing
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

# The CUDA architectures of the visible GPUs ("9.0", "8.0;9.0"), empty without nvidia-smi or GPU.
gpu_archs() {
  command -v nvidia-smi >/dev/null || return 0
  nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null \
    | grep -E '^[0-9]+\.[0-9]+$' | sort -u | paste -sd';' || true
}

# Which mmcv to build: "cpu", or "cuda <nvcc release> <TORCH_CUDA_ARCH_LIST>" where nvcc is on
# PATH and a GPU is visible (or FORCE_CUDA=1 with TORCH_CUDA_ARCH_LIST); FORCE_CUDA=0 forces cpu.
mmcv_build() {
  local release archs
  if [[ "${FORCE_CUDA:-}" == 0 ]]; then echo cpu; return; fi
  if ! command -v nvcc >/dev/null; then
    [[ "${FORCE_CUDA:-}" == 1 ]] && die "FORCE_CUDA=1 needs nvcc on PATH (the CUDA toolkit's bin/)"
    echo cpu; return
  fi
  archs="${TORCH_CUDA_ARCH_LIST:-$(gpu_archs)}"
  if [[ -z "$archs" ]]; then
    [[ "${FORCE_CUDA:-}" == 1 ]] \
      && die "FORCE_CUDA=1 without a visible GPU needs TORCH_CUDA_ARCH_LIST, e.g. 9.0"
    echo cpu; return
  fi
  release="$(nvcc --version | sed -n 's/.*release \([0-9][0-9.]*\),.*/\1/p' | head -n1)"
  [[ -n "$release" ]] || die "cannot read the CUDA release from 'nvcc --version'"
  echo "cuda $release $archs"
}
MMCV_BUILD="$(mmcv_build)"
if [[ "$MMCV_BUILD" == cpu ]]; then
  # CPU ops only; the GPU (if any) is hidden from mmcv's setup.py, which builds CUDA ops whenever
  # torch sees one
  MMCV_ENV=(FORCE_CUDA=0 CUDA_VISIBLE_DEVICES=)
else
  read -r _ CUDA_RELEASE CUDA_ARCHS <<<"$MMCV_BUILD"
  # e.g. ~/.cache/mmstvsr/wheels/torch-2.14.1-cuda13.0-sm90: a CPU wheel never stands in for it
  WHEELS="$WHEELS-cuda$CUDA_RELEASE-sm$(printf '%s' "$CUDA_ARCHS" | tr ' ;' '__' | tr -d '.+')"
  MMCV_ENV=(FORCE_CUDA=1 "TORCH_CUDA_ARCH_LIST=$CUDA_ARCHS")
fi
if [[ "${1:-}" == --mmcv-build ]]; then
  echo "mmcv build: $MMCV_BUILD; ${MMCV_ENV[*]}; wheel cache: $WHEELS"
  exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument '$1': run without arguments, or with --mmcv-build"

# The stamp covers everything that decides what is installed.
stamp_of() {
  { cat "$REQ"/*.txt "$ROOT/setup.py" "$ROOT/tools/setup.sh"; echo "$MMCV_BUILD"; } \
    | sha256sum | cut -d' ' -f1
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
  log "no cached mmcv $MMCV_VERSION wheel in $WHEELS: building it from the PyPI sdist ($MMCV_BUILD)"
  log "this compiles mmcv's ops: 10-30 minutes on 2 cores (CPU ops), once per machine"
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
  ( cd "$SRC" && env MMCV_WITH_OPS=1 "${MMCV_ENV[@]}" MAX_JOBS="${MAX_JOBS:-2}" \
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
