"""The three-scale residual pyramid of STARnet's HR T-SR path."""
import torch
import torch.nn as nn

from mmstvsr.models.archs import ConvBlock, DeconvBlock, ResBlock


class PyramidModule(nn.Module):
    """Residual blocks on three scales (1, 1/2, 1/4) exchanging features at every step.

    Scale ``k`` has ``channels * 2**k`` channels and 5, 4 and 3 residual blocks; 4x4 stride-2
    convolutions go down a scale and 4x4 stride-2 transposed convolutions go up. Step ``i`` of a
    scale takes its own previous output plus the neighbouring scales' outputs of step ``i`` (finer,
    brought down) and ``i - 1`` (coarser, brought up); a 3x3 convolution ends the full-size path.

    Args:
        channels (int): Channels of the full-size scale.
        act_type (str): Activation. Default: 'lrelu'.
    """

    num_blocks = (5, 4, 3)

    def __init__(self, channels: int, act_type: str = 'lrelu'):
        super().__init__()
        widths = [channels * 2**k for k in range(3)]
        self.blocks = nn.ModuleList([
            nn.ModuleList([ResBlock(width, act_type) for _ in range(n)])
            for width, n in zip(widths, self.num_blocks)
        ])
        self.downs = nn.ModuleList(
            [ConvBlock(widths[k], widths[k + 1], 4, 2, 1, act_type=act_type) for k in range(2)])
        self.ups = nn.ModuleList(
            [DeconvBlock(widths[k + 1], widths[k], 4, 2, 1, act_type=act_type) for k in range(2)])
        self.final = ConvBlock(channels, channels, act_type=act_type)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, C, H, W)`` -> ``(B, C, H, W)``; H and W divisible by 4."""
        outs = [None, None, None]
        for step in range(max(self.num_blocks)):
            for k in range(3):
                if step >= self.num_blocks[k]:
                    continue
                if step == 0:
                    inp = x if k == 0 else self.downs[k - 1](outs[k - 1])
                else:
                    inp = outs[k]
                    if k > 0:
                        inp = inp + self.downs[k - 1](outs[k - 1])
                    if k < 2 and step - 1 < self.num_blocks[k + 1]:
                        inp = inp + self.ups[k](outs[k + 1])
                outs[k] = self.blocks[k][step](inp)
        return self.final(outs[0])
