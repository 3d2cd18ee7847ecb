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
typedef nnet::array<ap_ufixed<8,0>, 1*1> layer185_t;
typedef nnet::array<ap_ufixed<8,0,AP_RND_CONV,AP_SAT,0>, 1*1> layer234_t;
typedef ap_fixed<18,8> Quant_28_act_table_t;
typedef nnet::array<ap_ufixed<8,0,AP_RND_CONV,AP_SAT,0>, 1*1> layer266_t;
typedef ap_fixed<14,3> Conv2D_Conv_0_accum_t;
typedef nnet::array<ap_fixed<14,3>, 64*1> Conv2D_Conv_0_result_t;
typedef ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM,0> weight248_t;
typedef ap_fixed<16,5,AP_RND_CONV,AP_SAT,0> bias248_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> layer188_t;
typedef ap_fixed<18,8> Relu_0_table_t;
typedef ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0> MaxPool_0_accum_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> layer190_t;
typedef ap_fixed<13,5> Conv2D_Conv_1_accum_t;
typedef nnet::array<ap_fixed<13,5>, 16*1> Conv2D_Conv_1_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight249_t;
typedef ap_fixed<16,8,AP_RND_CONV,AP_SAT,0> bias249_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 16*1> layer192_t;
typedef ap_fixed<18,8> Relu_1_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 16*1> layer267_t;
typedef ap_fixed<10,3> Conv2D_Conv_2_accum_t;
typedef nnet::array<ap_fixed<10,3>, 32*1> Conv2D_Conv_2_result_t;
typedef ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM,0> weight250_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias250_t;
typedef ap_fixed<13,5> Conv2D_Conv_3_accum_t;
typedef nnet::array<ap_fixed<13,5>, 32*1> Conv2D_Conv_3_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight251_t;
typedef ap_fixed<16,8,AP_RND_CONV,AP_SAT,0> bias251_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 32*1> layer196_t;
typedef ap_fixed<18,8> Relu_2_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 32*1> layer197_t;
typedef ap_fixed<18,8> Relu_3_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> Concat_0_result_t;
typedef ap_fixed<13,5> Conv2D_Conv_4_accum_t;
typedef nnet::array<ap_fixed<13,5>, 16*1> Conv2D_Conv_4_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight252_t;
typedef ap_fixed<16,8,AP_RND_CONV,AP_SAT,0> bias252_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 16*1> layer202_t;
typedef ap_fixed<18,8> Relu_4_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 16*1> layer268_t;
typedef ap_fixed<10,4> Conv2D_Conv_5_accum_t;
typedef nnet::array<ap_fixed<10,4>, 32*1> Conv2D_Conv_5_result_t;
typedef ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM,0> weight253_t;
typedef ap_fixed<16,10,AP_RND_CONV,AP_SAT,0> bias253_t;
typedef ap_fixed<13,6> Conv2D_Conv_6_accum_t;
typedef nnet::array<ap_fixed<13,6>, 32*1> Conv2D_Conv_6_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight254_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias254_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 32*1> layer206_t;
typedef ap_fixed<18,8> Relu_5_table_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 32*1> layer207_t;
typedef ap_fixed<18,8> Relu_6_table_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 64*1> Concat_1_result_t;
typedef ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0> MaxPool_1_accum_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 64*1> layer211_t;
typedef ap_fixed<12,7> Conv2D_Conv_7_accum_t;
typedef nnet::array<ap_fixed<12,7>, 32*1> Conv2D_Conv_7_result_t;
typedef ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM,0> weight255_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias255_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 32*1> layer213_t;
typedef ap_fixed<18,8> Relu_7_table_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 32*1> layer269_t;
typedef ap_fixed<12,6> Conv2D_Conv_8_accum_t;
typedef nnet::array<ap_fixed<12,6>, 64*1> Conv2D_Conv_8_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight256_t;
typedef ap_fixed<16,10,AP_RND_CONV,AP_SAT,0> bias256_t;
typedef ap_fixed<14,8> Conv2D_Conv_9_accum_t;
typedef nnet::array<ap_fixed<14,8>, 64*1> Conv2D_Conv_9_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight257_t;
typedef ap_fixed<16,10,AP_RND_CONV,AP_SAT,0> bias257_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 64*1> layer217_t;
typedef ap_fixed<18,8> Relu_8_table_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 64*1> layer218_t;
typedef ap_fixed<18,8> Relu_9_table_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 128*1> Concat_2_result_t;
typedef ap_fixed<14,9> Conv2D_Conv_10_accum_t;
typedef nnet::array<ap_fixed<14,9>, 32*1> Conv2D_Conv_10_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight258_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias258_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 32*1> layer223_t;
typedef ap_fixed<18,8> Relu_10_table_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 32*1> layer270_t;
typedef ap_fixed<11,7> Conv2D_Conv_11_accum_t;
typedef nnet::array<ap_fixed<11,7>, 64*1> Conv2D_Conv_11_result_t;
typedef ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM,0> weight259_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias259_t;
typedef ap_fixed<14,9> Conv2D_Conv_12_accum_t;
typedef nnet::array<ap_fixed<14,9>, 64*1> Conv2D_Conv_12_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight260_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias260_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 64*1> layer227_t;
typedef ap_fixed<18,8> Relu_11_table_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 64*1> layer228_t;
typedef ap_fixed<18,8> Relu_12_table_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 128*1> Concat_3_result_t;
typedef ap_fixed<14,10> Conv2D_Conv_13_accum_t;
typedef nnet::array<ap_fixed<14,10>, 10*1> Conv2D_Conv_13_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight261_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias261_t;
typedef ap_fixed<26,16> reducemean_0_accum_t;
typedef nnet::array<ap_fixed<20,10>, 10*1> result_t;

// hls-fpga-machine-learning insert emulator-defines


#endif
