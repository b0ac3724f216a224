"""Convert the STINet authors' released checkpoint to an mmstvsr checkpoint.

The result loads with ``tools/test.py CONFIG OUT`` where CONFIG is
``configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py`` (the authors' model is the
"official" variant). The key mapping is documented in
``mmstvsr/models/editors/stinet/checkpoint_conversion.py``.

Example:
    .venv/bin/python tools/model_converters/stinet_to_mmstvsr.py STINet.pth stinet_official.pth
"""
import argparse
import os.path as osp
import sys

import torch

from mmstvsr.models.editors.stinet.checkpoint_conversion import convert_stinet_state_dict
from mmstvsr.utils.files import atomic_output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="the authors' checkpoint (a state dict of their Net)")
    parser.add_argument('dst', help='output mmstvsr checkpoint')
    parser.add_argument('--force', action='store_true', help='overwrite an existing output')
    args = parser.parse_args()
    if not osp.isfile(args.src):
        sys.exit(f'checkpoint not found: {args.src}')
    if osp.exists(args.dst) and not args.force:
        sys.exit(f'{args.dst} exists: pass --force to overwrite it')
    state = torch.load(args.src, map_location='cpu', weights_only=True)
    if not isinstance(state, dict) or not all(torch.is_tensor(v) for v in state.values()):
        sys.exit(f"{args.src} is not a plain state dict of tensors like the authors' STINet.pth")
    try:
        converted = convert_stinet_state_dict(state)
    except KeyError as err:
        sys.exit(f'{args.src} is not an authors\' STINet checkpoint: {err}')
    checkpoint = dict(
        meta=dict(source=osp.basename(args.src), converter='stinet_to_mmstvsr'),
        state_dict={f'generator.{k}': v for k, v in converted.items()})
    with atomic_output(args.dst) as tmp:
        torch.save(checkpoint, tmp)
    print(f'converted {len(state)} tensors: {args.dst}')


if __name__ == '__main__':
    main()
