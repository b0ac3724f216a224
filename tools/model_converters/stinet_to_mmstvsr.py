"""Convert the STINet authors' released checkpoint to an mmstvsr checkpoint.

The result loads with ``tools/test.py CONFIG OUT`` where CONFIG is
``configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py`` (the authors' model is the
"official" variant). The key mapping is documented in
``mmstvsr/models/editors/stinet/checkpoint_conversion.py``.

Example:
    .venv/bin/python tools/model_converters/stinet_to_mmstvsr.py STINet.pth stinet_official.pth
"""

from _authors_checkpoint import converter_cli

from mmstvsr.models.editors.stinet.checkpoint_conversion import convert_stinet_state_dict

if __name__ == '__main__':
    converter_cli(__doc__.splitlines()[0], convert_stinet_state_dict, 'STINet')
