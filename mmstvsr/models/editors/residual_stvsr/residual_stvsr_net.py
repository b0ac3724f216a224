"""A small learned space-time SR network on top of the classical reference."""
import torch
import torch.nn as nn
from mmagic.models.archs import ResidualBlockNoBN
from mmagic.models.utils import make_layer
from mmagic.registry import MODELS

from mmstvsr.models.editors.classical.classical_stvsr_net import BicubicAverageNet
from mmstvsr.utils.temporal import interleave


@MODELS.register_module()
class ResidualSTVSRNet(nn.Module):
    """Bicubic + frame blending, corrected by a learned residual.

    Each LR frame is encoded by a shared conv + residual blocks; the feature at an intermediate
    time t' is fused from its two neighbours and a constant t' map; a decoder (residual blocks,
    conv, PixelShuffle) predicts the HR residual added to :class:`BicubicAverageNet`'s output.
    Small enough to train on a CPU; used as the toolbox's minimal learned model.

    Args:
        scale (int): Spatial upsampling factor. Default: 4.
        mid_channels (int): Feature channels. Default: 32.
        num_blocks (int): Residual blocks in the encoder and in the decoder. Default: 2.
    """

    size_divisor = 1

    def __init__(self, scale: int = 4, mid_channels: int = 32, num_blocks: int = 2):
        super().__init__()
        self.scale = scale
        self.reference = BicubicAverageNet(scale)
        self.encoder = nn.Sequential(
            nn.Conv2d(3, mid_channels, 3, 1, 1), nn.LeakyReLU(0.1, inplace=True),
            make_layer(ResidualBlockNoBN, num_blocks, mid_channels=mid_channels))
        self.fuse = nn.Conv2d(2 * mid_channels + 1, mid_channels, 3, 1, 1)
        self.decoder = nn.Sequential(
            make_layer(ResidualBlockNoBN, num_blocks, mid_channels=mid_channels),
            nn.Conv2d(mid_channels, 3 * scale * scale, 3, 1, 1), nn.PixelShuffle(scale))

    def forward(self, lrs: torch.Tensor, times: torch.Tensor, **kwargs) -> torch.Tensor:
        """Predict all output frames.

        Args:
            lrs (Tensor): LR frames ``(B, T, 3, h, w)`` in [0, 1].
            times (Tensor): Intermediate positions ``(K,)``.

        Returns:
            Tensor: ``(B, T + (T - 1) * K, 3, s*h, s*w)``.
        """
        b, t, _, h, w = lrs.shape
        feats = self.encoder(lrs.flatten(0, 1)).view(b, t, -1, h, w)

        def between(i, tau):
            t_map = feats.new_full((b, 1, h, w), tau)
            return self.fuse(torch.cat([feats[:, i], feats[:, i + 1], t_map], dim=1))

        seq = torch.stack(interleave(t, times.tolist(), lambda i: feats[:, i], between), dim=1)
        residual = self.decoder(seq.flatten(0, 1)).view(b, seq.size(1), 3, h * self.scale,
                                                        w * self.scale)
        return self.reference(lrs, times) + residual
