import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

import mmstvsr  # noqa: F401  (installs the checkpoint loader)
from mmstvsr.utils.checkpoint import CheckpointError, load_from_local


def _mmengine_like_checkpoint():
    hub = MessageHub.get_instance('test_checkpoint')
    hub.update_scalar('train/loss', 0.5)
    hub.update_scalar('train/lr', np.float64(1e-4))
    hub.update_info('iter', 3)
    return dict(
        meta=dict(iter=3, seed=np.int64(7), time='now', mmengine_version='0.10.7',
                  lr=np.float32(0.1), dataset_meta=dict(scale=4)),
        state_dict=dict(w=torch.ones(2)),
        message_hub=hub.state_dict(),
        optimizer=dict(state={}, param_groups=[dict(lr=1e-4, params=[0])]))


def test_mmengine_loader_reads_mmengine_checkpoints(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    loaded = _load_checkpoint(str(path), map_location='cpu')
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer) and buffer.mean() == 0.5
    assert loaded['meta']['seed'] == 7
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))


def test_plain_torch_load_is_left_strict(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


class NotAllowed:
    pass


def test_other_classes_are_still_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(obj=NotAllowed(), state_dict={}), path)
    with pytest.raises(CheckpointError, match='evil.pth is refused: it holds Python objects '
                       'other than weights.*Unsupported global: GLOBAL .*NotAllowed'):
        _load_checkpoint(str(path), map_location='cpu')


class RunsCode:
    def __reduce__(self):
        return (os.system, ('echo this must not run',))


def test_code_in_a_pickle_is_refused(tmp_path):
    path = tmp_path / 'code.pth'
    with open(path, 'wb') as f:
        pickle.dump(RunsCode(), f, protocol=4)
    with pytest.raises(CheckpointError, match='code.pth is refused.*could run code'):
        load_from_local(str(path))


@pytest.mark.parametrize('content,reason', [
    (b'hello\n', 'KeyError: 101'),  # used to end in a KeyError / IndexError traceback
    (b'not a checkpoint\n', 'UnpicklingError'),
    (b'', 'EOFError: the file ends too early'),
])
def test_files_that_are_not_checkpoints(tmp_path, content, reason):
    path = tmp_path / 'notes.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=f'notes.pth is not a PyTorch checkpoint \\({reason}'):
        load_from_local(str(path))


def test_a_checkpoint_cut_short(tmp_path):
    path = tmp_path / 'cut.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(100))), path)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(CheckpointError, match='cut.pth is not a PyTorch checkpoint'):
        load_from_local(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        _load_checkpoint(str(tmp_path / 'nope.pth'))
