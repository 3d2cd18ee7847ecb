"""Everything that speaks hls4ml: its configuration (config.py), the conversion (convert.py),
hwcnn's extensions of hls4ml (extensions.py), the types hwcnn sets on its ModelGraph
(precision.py), the hardware description written from it (describe.py), and the C simulation of
the project hls4ml writes (csim.py). Nothing outside this package imports hls4ml.
"""
