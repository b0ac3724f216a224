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

from mmstvsr.models.editors.starnet.checkpoint_conversion import convert_starnet_state_dict
from mmstvsr.utils.checkpoint import converter_cli

if __name__ == '__main__':
    converter_cli(__doc__.splitlines()[0], convert_starnet_state_dict, 'STARnet')
