"""Convert the STARnet authors' released checkpoints to an mmstvsr checkpoint.

``FBPNSR_RBPN_V4_REF`` checkpoints (with flow refinement) load into
``configs/starnet/starnet_x4_1xb10-70e_vimeo-triplet.py`` and its fine-tunes; ``FBPNSR_RBPN_V4``
ones (``STAR_V4_RBPN.pth``, without it) into ``starnet-wo-fr_x4_1xb10-70e_vimeo-triplet.py``
(V1-V3: the ``-v1`` / ``-v2`` / ``-v3`` configs with ``model.generator.flow_refinement=None``).
The key mapping is documented in ``mmstvsr/models/editors/starnet/checkpoint_conversion.py``.

Example:
    .venv/bin/python tools/model_converters/starnet_to_mmstvsr.py \
        FBPNSR_RBPN_V4_REF_Lf_STAR.pth starnet_star.pth
"""
import argparse
import sys

from mmstvsr.models.editors.starnet.checkpoint_conversion import convert_starnet_state_dict
from mmstvsr.utils.checkpoint import convert_authors_checkpoint


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="the authors' checkpoint (a state dict of their Net)")
    parser.add_argument('dst', help='output mmstvsr checkpoint')
    parser.add_argument('--force', action='store_true', help='overwrite an existing output')
    args = parser.parse_args()
    try:
        n = convert_authors_checkpoint(args.src, args.dst, convert_starnet_state_dict, 'STARnet',
                                       args.force)
    except ValueError as err:
        sys.exit(str(err))
    print(f'converted {n} tensors: {args.dst}')


if __name__ == '__main__':
    main()
