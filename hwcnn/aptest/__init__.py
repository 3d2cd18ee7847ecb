"""The reference for hwcnn.fixed: ap_fixed conversions compiled from the Xilinx headers."""
