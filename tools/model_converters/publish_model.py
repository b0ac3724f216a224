"""Make a checkpoint to ship from one saved by MMEngine's Runner: the weights only.

Keeps ``state_dict`` (every weight of the model, frozen parts included) and drops what only
resuming a training run needs (optimizer, schedulers, message hub, random states), so the file
is small and loads with ``load_from``, ``tools/test.py`` and ``tools/inference.py``. Written to a
temporary name and renamed when complete; prints the size and SHA-256 of the result.

Example:
    .venv/bin/python tools/model_converters/publish_model.py \
        work_dirs/stinet-tiny/iter_1000.pth checkpoints/stinet-tiny_x4_bundled.pth
"""
import argparse
import hashlib
import os.path as osp
import sys

import torch

from mmstvsr.utils.checkpoint import load_from_local
from mmstvsr.utils.files import atomic_output


def publish(src: str, dst: str) -> str:
    """Write the weights of the Runner checkpoint ``src`` to ``dst``; returns its SHA-256."""
    checkpoint = load_from_local(src, map_location='cpu')
    if 'state_dict' not in checkpoint:
        raise ValueError(f'{src} is not a checkpoint saved by MMEngine\'s Runner (no state_dict)')
    meta = checkpoint.get('meta', {})
    kept = dict(state_dict=checkpoint['state_dict'],
                meta={k: meta[k] for k in ('iter', 'epoch', 'cfg') if k in meta})
    with atomic_output(dst) as tmp:
        torch.save(kept, tmp)
    with open(dst, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description='Keep only the weights of a Runner checkpoint')
    parser.add_argument('src', help='checkpoint saved by tools/train.py')
    parser.add_argument('dst', help='file to write')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing DST')
    args = parser.parse_args(argv)
    if not osp.isfile(args.src):
        sys.exit(f'checkpoint not found: {args.src}')
    if osp.exists(args.dst) and not args.overwrite:
        sys.exit(f'{args.dst} exists: pass --overwrite to replace it, or choose another DST')
    try:
        digest = publish(args.src, args.dst)
    except ValueError as err:
        sys.exit(str(err))
    print(f'{args.dst}: {osp.getsize(args.dst) / 1e6:.2f} MB, sha256 {digest}')


if __name__ == '__main__':
    main()
