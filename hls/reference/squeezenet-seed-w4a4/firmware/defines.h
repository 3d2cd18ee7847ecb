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
typedef nnet::array<ap_ufixed<8,0>, 1*1> layer191_t;
typedef nnet::array<ap_ufixed<8,0,AP_RND_CONV,AP_SAT,0>, 1*1> layer242_t;
typedef ap_fixed<18,8> Quant_28_act_table_t;
typedef ap_fixed<15,3> Conv2D_Conv_0_accum_t;
typedef nnet::array<ap_fixed<15,3>, 64*1> Conv2D_Conv_0_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight258_t;
typedef ap_fixed<16,4,AP_RND_CONV,AP_SAT,0> bias258_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> layer194_t;
typedef ap_fixed<18,8> Relu_0_table_t;
typedef ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0> MaxPool_0_accum_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> layer196_t;
typedef ap_fixed<12,4> Conv2D_Conv_1_accum_t;
typedef nnet::array<ap_fixed<12,4>, 16*1> Conv2D_Conv_1_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight259_t;
typedef ap_fixed<16,8,AP_RND_CONV,AP_SAT,0> bias259_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 16*1> layer198_t;
typedef ap_fixed<18,8> Relu_1_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 16*1> layer276_t;
typedef ap_fixed<11,3> Conv2D_Conv_2_accum_t;
typedef nnet::array<ap_fixed<11,3>, 64*1> Conv2D_Conv_2_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight260_t;
typedef ap_fixed<16,8,AP_RND_CONV,AP_SAT,0> bias260_t;
typedef ap_fixed<13,4> Conv2D_Conv_3_accum_t;
typedef nnet::array<ap_fixed<13,4>, 64*1> Conv2D_Conv_3_result_t;
typedef ap_fixed<4,-1,AP_RND_CONV,AP_SAT_SYM,0> weight261_t;
typedef ap_fixed<16,7,AP_RND_CONV,AP_SAT,0> bias261_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> layer202_t;
typedef ap_fixed<18,8> Relu_2_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 64*1> layer203_t;
typedef ap_fixed<18,8> Relu_3_table_t;
typedef nnet::array<ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>, 128*1> Concat_0_result_t;
typedef ap_fixed<13,5> Conv2D_Conv_4_accum_t;
typedef nnet::array<ap_fixed<13,5>, 16*1> Conv2D_Conv_4_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight262_t;
typedef ap_fixed<16,8,AP_RND_CONV,AP_SAT,0> bias262_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 16*1> layer208_t;
typedef ap_fixed<18,8> Relu_4_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 16*1> layer277_t;
typedef ap_fixed<11,4> Conv2D_Conv_5_accum_t;
typedef nnet::array<ap_fixed<11,4>, 64*1> Conv2D_Conv_5_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight263_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias263_t;
typedef ap_fixed<13,6> Conv2D_Conv_6_accum_t;
typedef nnet::array<ap_fixed<13,6>, 64*1> Conv2D_Conv_6_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight264_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias264_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 64*1> layer212_t;
typedef ap_fixed<18,8> Relu_5_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 64*1> layer213_t;
typedef ap_fixed<18,8> Relu_6_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 128*1> Concat_1_result_t;
typedef ap_fixed<13,6> Conv2D_Conv_7_accum_t;
typedef nnet::array<ap_fixed<13,6>, 32*1> Conv2D_Conv_7_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight265_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias265_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 32*1> layer218_t;
typedef ap_fixed<18,8> Relu_7_table_t;
typedef nnet::array<ap_ufixed<4,1,AP_RND_CONV,AP_SAT,0>, 32*1> layer278_t;
typedef ap_fixed<12,5> Conv2D_Conv_8_accum_t;
typedef nnet::array<ap_fixed<12,5>, 128*1> Conv2D_Conv_8_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight266_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias266_t;
typedef ap_fixed<14,7> Conv2D_Conv_9_accum_t;
typedef nnet::array<ap_fixed<14,7>, 128*1> Conv2D_Conv_9_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight267_t;
typedef ap_fixed<16,9,AP_RND_CONV,AP_SAT,0> bias267_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 128*1> layer222_t;
typedef ap_fixed<18,8> Relu_8_table_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 128*1> layer223_t;
typedef ap_fixed<18,8> Relu_9_table_t;
typedef nnet::array<ap_ufixed<4,2,AP_RND_CONV,AP_SAT,0>, 256*1> Concat_2_result_t;
typedef ap_fixed<14,8> Conv2D_Conv_10_accum_t;
typedef nnet::array<ap_fixed<14,8>, 32*1> Conv2D_Conv_10_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight268_t;
typedef ap_fixed<16,10,AP_RND_CONV,AP_SAT,0> bias268_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 32*1> layer228_t;
typedef ap_fixed<18,8> Relu_10_table_t;
typedef nnet::array<ap_ufixed<4,3,AP_RND_CONV,AP_SAT,0>, 32*1> layer279_t;
typedef ap_fixed<11,6> Conv2D_Conv_11_accum_t;
typedef nnet::array<ap_fixed<11,6>, 128*1> Conv2D_Conv_11_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight269_t;
typedef ap_fixed<16,11,AP_RND_CONV,AP_SAT,0> bias269_t;
typedef ap_fixed<14,8> Conv2D_Conv_12_accum_t;
typedef nnet::array<ap_fixed<14,8>, 128*1> Conv2D_Conv_12_result_t;
typedef ap_fixed<4,-1,AP_RND_CONV,AP_SAT_SYM,0> weight270_t;
typedef ap_fixed<16,10,AP_RND_CONV,AP_SAT,0> bias270_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 128*1> layer232_t;
typedef ap_fixed<18,8> Relu_11_table_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 128*1> layer233_t;
typedef ap_fixed<18,8> Relu_12_table_t;
typedef nnet::array<ap_ufixed<4,4,AP_RND_CONV,AP_SAT,0>, 256*1> Concat_3_result_t;
typedef ap_fixed<14,10> Conv2D_Conv_13_accum_t;
typedef nnet::array<ap_fixed<14,10>, 10*1> Conv2D_Conv_13_result_t;
typedef ap_fixed<4,0,AP_RND_CONV,AP_SAT_SYM,0> weight271_t;
typedef ap_fixed<16,12,AP_RND_CONV,AP_SAT,0> bias271_t;
typedef nnet::array<ap_ufixed<8,6,AP_RND_CONV,AP_SAT,0>, 10*1> layer238_t;
typedef ap_fixed<18,8> Relu_13_table_t;
typedef ap_ufixed<14,12> reducemean_0_accum_t;
typedef nnet::array<ap_ufixed<16,5,AP_RND_CONV,AP_SAT,0>, 10*1> layer240_t;
typedef nnet::array<ap_ufixed<16,5,AP_RND_CONV,AP_SAT,0>, 10*1> result_t;
typedef ap_fixed<18,8> Quant_43_act_table_t;

// hls-fpga-machine-learning insert emulator-defines


#endif
