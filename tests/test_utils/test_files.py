"""mmstvsr.utils.files: natural order and atomic outputs."""
import pytest

from mmstvsr.utils.files import atomic_output, natural_key


def test_natural_order():
    assert sorted(['Frame 10.png', 'Frame 2.png', 'frame 1.png'], key=natural_key) == [
        'frame 1.png', 'Frame 2.png', 'Frame 10.png']


def test_atomic_output_renames_when_complete_and_cleans_up_on_failure(tmp_path):
    path = tmp_path / 'new' / 'out.json'
    with atomic_output(str(path)) as tmp:
        assert not path.exists()
        with open(tmp, 'w') as f:
            f.write('complete')
    assert path.read_text() == 'complete'

    with pytest.raises(RuntimeError, match='killed'):
        with atomic_output(str(path)) as tmp:
            with open(tmp, 'w') as f:
                f.write('half')
            raise RuntimeError('killed')
    assert path.read_text() == 'complete'  # the earlier output is kept
    assert sorted(p.name for p in path.parent.iterdir()) == ['out.json']  # no temporary file
