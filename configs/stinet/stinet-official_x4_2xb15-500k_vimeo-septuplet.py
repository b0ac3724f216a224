# STINet as the authors' released code computes it, the config for their released weights
# (tools/model_converters/stinet_to_mmstvsr.py); 11,761,602 parameters, 7,345,830 of them in the
# frozen DBPN. It differs from the paper-faithful stinet_x4_2xb15-500k_vimeo-septuplet.py in
# three ways, each what the authors' code does:
# - ST-GR on their directed graph with the edge attributes built but unused (OfficialSTGR);
# - inputs normalised with ImageNet's mean and std, outputs de-normalised alike
#   (`transform()` of their data_STINet.py), instead of [0, 1] frames;
# - input flows from grey frames made with COLOR_BGR2GRAY on their RGB arrays (get_input_flow of
#   their dataset_STINet.py), instead of the true RGB-to-grey conversion.
# tests/test_golden/test_stinet_golden.py checks that this config reproduces the outputs of the
# authors' code (tests/data/golden/README.md). Not reproduced: their LR frames come from PIL's
# bicubic resize, ours from MATLAB's bicubic (MATLABBicubicDownsample), as the benchmarks define.
_base_ = [
    './stinet_x4_2xb15-500k_vimeo-septuplet.py',
    '../_base_/models/authors_imagenet_normalisation.py'
]

model = dict(
    generator=dict(stgr=dict(type='OfficialSTGR')),
    data_preprocessor=_base_.authors_data_preprocessor)


def _authors_flows(pipeline):
    """The pipeline with its Farneback step reading the RGB frames as BGR, as the authors do."""
    return [dict(step, channel_order='bgr') if step['type'] == 'FarnebackFlow' else step
            for step in pipeline]


train_pipeline = _authors_flows(_base_.train_pipeline)
test_pipeline = _authors_flows(_base_.test_pipeline)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
