#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <array>
#include <cstddef>
#include <cstdio>
#include <tuple>
#include <tuple>


// hls-fpga-machine-learning insert numbers

// hls-fpga-machine-learning insert layer-precision
typedef nnet::array<ap_ufixed<8,0>, 32*1> input_t;
typedef nnet::array<ap_ufixed<8,0>, 1*1> layer67_t;
typedef nnet::array<ap_ufixed<8,0,AP_RND_CONV,AP_SAT,0>, 1*1> layer87_t;
typedef ap_fixed<18,8> Quant_10_act_table_t;
typedef ap_fixed<15,4> Conv2D_Conv_0_accum_t;
typedef nnet::array<ap_fixed<15,4>, 6*1> Conv2D_Conv_0_result_t;
typedef ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM,0> weight96_t;
typedef ap_fixed<16,5,AP_RND_CONV,AP_SAT,0> bias96_t;
typedef nnet::array<ap_fixed<4,1,AP_RND_CONV,AP_SAT,0>, 6*1> layer70_t;
typedef ap_fixed<15,4> thresholds99_t;
typedef ap_fixed<8,3> AveragePool_0_accum_t;
typedef nnet::array<ap_fixed<6,1>, 6*1> layer72_t;
typedef ap_fixed<15,6> Conv2D_Conv_1_accum_t;
typedef nnet::array<ap_fixed<15,6>, 16*1> Conv2D_Conv_1_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight97_t;
typedef ap_fixed<16,7,AP_RND_CONV,AP_SAT,0> bias97_t;
typedef nnet::array<ap_fixed<4,1,AP_RND_CONV,AP_SAT,0>, 16*1> layer74_t;
typedef ap_fixed<15,6> thresholds100_t;
typedef ap_fixed<8,3> AveragePool_1_accum_t;
typedef nnet::array<ap_fixed<6,1>, 16*1> layer76_t;
typedef ap_fixed<16,7> Conv2D_Conv_2_accum_t;
typedef nnet::array<ap_fixed<16,7>, 120*1> Conv2D_Conv_2_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight98_t;
typedef ap_fixed<16,7,AP_RND_CONV,AP_SAT,0> bias98_t;
typedef nnet::array<ap_fixed<4,1,AP_RND_CONV,AP_SAT,0>, 120*1> layer78_t;
typedef ap_fixed<16,7> thresholds101_t;
typedef ap_fixed<13,6> Dense_MatMul_0_accum_t;
typedef nnet::array<ap_fixed<13,6>, 84*1> Dense_MatMul_0_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight94_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias94_t;
typedef ap_uint<1> layer94_index;
typedef nnet::array<ap_fixed<4,1,AP_RND_CONV,AP_SAT,0>, 84*1> layer83_t;
typedef ap_fixed<13,6> thresholds102_t;
typedef ap_fixed<13,6> Dense_MatMul_1_accum_t;
typedef nnet::array<ap_fixed<13,6>, 10*1> result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight95_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias95_t;
typedef ap_uint<1> layer95_index;

// hls-fpga-machine-learning insert emulator-defines


#endif
