"""ITU-R BT.601 YCbCr as MATLAB's ``rgb2ycbcr`` (16-235 luma range), the one definition.

Used by the networks' :func:`~mmstvsr.models.archs.rgb_to_ycbcr` / ``ycbcr_to_rgb`` and by the
Y-channel PSNR/SSIM of :class:`~mmstvsr.evaluation.STVSRMetric`.
"""

#: Rows Y, Cb, Cr: the weights of R, G and B in [0, 1] (YCbCr in [0, 255]); the first row is the
#: luma, ``219 * (0.299, 0.587, 0.114)``.
BT601_RGB_TO_YCBCR = ((65.481, 128.553, 24.966), (-37.797, -74.203, 112.0),
                      (112.0, -93.786, -18.214))
#: Offsets of Y, Cb and Cr, in [0, 255].
BT601_OFFSETS = (16., 128., 128.)
