"""Convert the STINet authors' released checkpoint to an mmstvsr checkpoint.

The result loads with ``tools/test.py CONFIG OUT`` where CONFIG is
``configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py`` (the authors' model is the
"official" variant). The key mapping is documented in
``mmstvsr/models/editors/stinet/checkpoint_conversion.py``.

Example:
    .venv/bin/python tools/model_converters/stinet_to_mmstvsr.py STINet.pth stinet_official.pth
"""
import argparse
import sys

from mmstvsr.models.editors.stinet.checkpoint_conversion import convert_stinet_state_dict
from mmstvsr.utils.checkpoint import convert_authors_checkpoint


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="the authors' checkpoint (a state dict of their Net)")
    parser.add_argument('dst', help='output mmstvsr checkpoint')
    parser.add_argument('--force', action='store_true', help='overwrite an existing output')
    args = parser.parse_args()
    try:
        n = convert_authors_checkpoint(args.src, args.dst, convert_stinet_state_dict, 'STINet',
                                       args.force)
    except ValueError as err:
        sys.exit(str(err))
    print(f'converted {n} tensors: {args.dst}')


if __name__ == '__main__':
    main()
