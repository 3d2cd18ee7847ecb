"""hwcnn: quantized CNNs from Brevitas QAT to bit-exact hls4ml HLS cores."""

__version__ = "0.1.0"
