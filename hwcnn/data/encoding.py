"""The one input encoding shared by PyTorch, the NumPy simulator and the HLS testbench.

An image is held as raw 8-bit codes k (uint8, 0..255) of the hardware's input type
ap_ufixed<8,0>, whose value is exactly k/256. Holding codes instead of floats means every
consumer starts from the same integers; `to_float` is exact because k/256 needs 8 mantissa bits.
28x28 images are zero-padded to 32x32 (2 pixels each side), so every dataset gives [N, C, 32, 32].
"""

from __future__ import annotations

import numpy as np

PIXEL_FRAC_BITS = 8
PIXEL_HLS_TYPE = "ap_ufixed<8,0>"
IMAGE_SIZE = 32
PAD = 2  # (32 - 28) / 2


def to_float(images: np.ndarray) -> np.ndarray:
    """Codes k -> float32 values k/256 (exact)."""
    if images.dtype != np.uint8:
        # A float input here would be scaled twice without complaint.
        raise TypeError(f"to_float expects uint8 pixel codes, got {images.dtype}")
    return images.astype(np.float32) * np.float32(1.0 / (1 << PIXEL_FRAC_BITS))


def to_codes(values: np.ndarray) -> np.ndarray:
    """Float values that are exactly k/256 (k in 0..255) -> uint8 codes k; anything else is an error."""
    k = np.asarray(values) * (1 << PIXEL_FRAC_BITS)  # exact in floating point: a power of two
    in_range = k.size == 0 or (k.min() >= 0 and k.max() <= 255)  # NaN fails here too
    codes = k.astype(np.uint8) if in_range else None
    if codes is None or not np.array_equal(codes, k):
        raise ValueError("pixel values are not all of the form k/256 with k in 0..255")
    return codes


def pad_to_32(images: np.ndarray) -> np.ndarray:
    """Zero-pad [..., 28, 28] to [..., 32, 32]; 32x32 images are returned unchanged."""
    h, w = images.shape[-2:]
    if (h, w) == (IMAGE_SIZE, IMAGE_SIZE):
        return images
    if (h, w) != (28, 28):
        raise ValueError(f"pad_to_32 expects 28x28 or 32x32 images, got {h}x{w}")
    pad = [(0, 0)] * (images.ndim - 2) + [(PAD, PAD), (PAD, PAD)]
    return np.pad(images, pad)
