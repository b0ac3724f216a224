"""Optical flow between consecutive input frames."""
from mmagic.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmstvsr.utils.flow import neighbour_flows


@TRANSFORMS.register_module()
class FarnebackFlow(BaseTransform):
    """Farneback flows between consecutive frames of a clip.

    For T frames, the forward flows go from frame i to i + 1 and the backward
    flows from frame i + 1 to i, for i = 0 .. T - 2, computed with
    :func:`mmstvsr.utils.flow.neighbour_flows`. Each flow has channels
    ``(u, v)``: x and y displacements in pixels. They are stored as tensors so
    that MMagic's ``PackInputs(data_keys=[forward_key, backward_key])`` keeps
    the leading dimension even when T - 1 == 1.

    Required keys: ``key`` (list of T >= 2 uint8 ``(h, w, 3)`` frames).
    Optional key: ``f'{key}_channel_order'`` ('bgr' if absent). Added keys:
    ``forward_key`` and ``backward_key`` (float32 ``(T - 1, 2, h, w)``
    ``torch.Tensor``).

    Args:
        key (str): Key of the frames. Default: 'img'.
        forward_key (str): Key to store the forward flows in.
            Default: 'flow_fwd'.
        backward_key (str): Key to store the backward flows in.
            Default: 'flow_bwd'.
    """

    def __init__(self, key='img', forward_key='flow_fwd',
                 backward_key='flow_bwd'):
        super().__init__()
        self.key = key
        self.forward_key = forward_key
        self.backward_key = backward_key

    def transform(self, results):
        """Add the forward and backward flows of ``results[key]``.

        Args:
            results (dict): Data with a list of frames at ``key``.

        Returns:
            dict: ``results`` with the two flow tensors added.
        """
        frames = results[self.key]
        if not isinstance(frames, (list, tuple)):
            raise TypeError(f'results[{self.key!r}] must be a list of frames, '
                            f'got {type(frames).__name__}')
        if len(frames) < 2:
            raise ValueError(
                f'FarnebackFlow needs at least 2 frames at '
                f'results[{self.key!r}], got {len(frames)}')
        order = results.get(f'{self.key}_channel_order', 'bgr')
        results[self.forward_key], results[self.backward_key] = \
            neighbour_flows(frames, order)
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(key={self.key!r}, '
                f'forward_key={self.forward_key!r}, '
                f'backward_key={self.backward_key!r})')
