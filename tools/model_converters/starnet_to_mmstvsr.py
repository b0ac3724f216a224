"""Convert the STARnet authors' released checkpoints to an mmstvsr checkpoint.

``FBPNSR_RBPN_V4_REF`` checkpoints (with flow refinement) load into
``configs/starnet/starnet-authors_x4_1xb10-70e_vimeo-triplet.py``, ``FBPNSR_RBPN_V4`` ones
(``STAR_V4_RBPN.pth``, without it) into ``starnet-wo-fr-authors_x4_1xb10-70e_vimeo-triplet.py``:
the networks of ``starnet_x4_1xb10-70e_vimeo-triplet.py`` and ``starnet-wo-fr_...`` with the
authors' ImageNet normalisation and pyflow flows, which their weights need
(``tests/test_golden/test_starnet_golden.py``). V1-V3: the generator ``type`` of the ``-v1`` /
``-v2`` / ``-v3`` configs (e.g. ``--cfg-options model.generator.type=STARnetWithoutTemporalSRNet``)
in those. The key mapping is
documented in ``mmstvsr/models/editors/starnet/checkpoint_conversion.py``; a file with a key of
no STARnet module (another model's checkpoint) is refused.

Example:
    .venv/bin/python tools/model_converters/starnet_to_mmstvsr.py \
        FBPNSR_RBPN_V4_REF_Lf_STAR.pth starnet_star.pth
    .venv/bin/python tools/test.py configs/starnet/starnet-authors_x4_1xb10-70e_vimeo-triplet.py \
        starnet_star.pth
"""

from _authors_checkpoint import converter_cli

from mmstvsr.models.editors.starnet.checkpoint_conversion import convert_starnet_state_dict

if __name__ == '__main__':
    converter_cli(__doc__.splitlines()[0], convert_starnet_state_dict, 'STARnet')
