# Table 1, "STAR w/o Flow": no input flows, no NetM (and so no flow refinement or flow loss);
# NetS is RBPN on the two frames alone.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(
    generator=dict(type='STARnetWithoutFlowNet', flow_refinement=None),
    flow_loss=None,
    extra_inputs=())
