#include <iostream>

#include "myproject.h"
#include "parameters.h"


void myproject(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer95_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=global_in,layer95_out 
    #pragma HLS DATAFLOW

    // hls-fpga-machine-learning insert load weights
#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        nnet::load_weights_from_txt<weight96_t, 150>(w96, "w96.txt");
        nnet::load_weights_from_txt<bias96_t, 6>(b96, "b96.txt");
        nnet::load_weights_from_txt<thresholds99_t, 15>(t99, "t99.txt");
        nnet::load_weights_from_txt<weight97_t, 2400>(w97, "w97.txt");
        nnet::load_weights_from_txt<bias97_t, 16>(b97, "b97.txt");
        nnet::load_weights_from_txt<thresholds100_t, 15>(t100, "t100.txt");
        nnet::load_weights_from_txt<weight98_t, 48000>(w98, "w98.txt");
        nnet::load_weights_from_txt<bias98_t, 120>(b98, "b98.txt");
        nnet::load_weights_from_txt<thresholds101_t, 15>(t101, "t101.txt");
        nnet::load_weights_from_txt<weight94_t, 10080>(w94, "w94.txt");
        nnet::load_weights_from_txt<bias94_t, 84>(b94, "b94.txt");
        nnet::load_weights_from_txt<thresholds102_t, 15>(t102, "t102.txt");
        nnet::load_weights_from_txt<weight95_t, 840>(w95, "w95.txt");
        nnet::load_weights_from_txt<bias95_t, 10>(b95, "b95.txt");
        loaded_weights = true;    }
#endif
    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer67_t> layer67_out("layer67_out");
    #pragma HLS STREAM variable=layer67_out depth=1024

    hls::stream<layer87_t> layer87_out("layer87_out");
    #pragma HLS STREAM variable=layer87_out depth=1024

    hls::stream<Conv2D_Conv_0_result_t> layer96_out("layer96_out");
    #pragma HLS STREAM variable=layer96_out depth=784

    hls::stream<layer70_t> layer70_out("layer70_out");
    #pragma HLS STREAM variable=layer70_out depth=784

    hls::stream<layer72_t> layer72_out("layer72_out");
    #pragma HLS STREAM variable=layer72_out depth=196

    hls::stream<Conv2D_Conv_1_result_t> layer97_out("layer97_out");
    #pragma HLS STREAM variable=layer97_out depth=100

    hls::stream<layer74_t> layer74_out("layer74_out");
    #pragma HLS STREAM variable=layer74_out depth=100

    hls::stream<layer76_t> layer76_out("layer76_out");
    #pragma HLS STREAM variable=layer76_out depth=25

    hls::stream<Conv2D_Conv_2_result_t> layer98_out("layer98_out");
    #pragma HLS STREAM variable=layer98_out depth=1

    hls::stream<layer78_t> layer78_out("layer78_out");
    #pragma HLS STREAM variable=layer78_out depth=1

    auto& layer80_out = layer78_out;
    hls::stream<Dense_MatMul_0_result_t> layer94_out("layer94_out");
    #pragma HLS STREAM variable=layer94_out depth=1

    hls::stream<layer83_t> layer83_out("layer83_out");
    #pragma HLS STREAM variable=layer83_out depth=1

    nnet::transpose<input_t, layer67_t, config67>(global_in, layer67_out); // Transpose_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer67_t>(layer67_out, "Transpose_0", 32*32*1);
#endif

    nnet::linear<layer67_t, layer87_t, linear_config87>(layer67_out, layer87_out); // Quant_10_act
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer87_t>(layer87_out, "Quant_10_act", 32*32*1);
#endif

    nnet::conv_2d_cl<layer87_t, Conv2D_Conv_0_result_t, config96>(layer87_out, layer96_out, w96, b96); // Conv2D_Conv_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_0_result_t>(layer96_out, "Conv2D_Conv_0", 28*28*6);
#endif

    nnet::multithreshold<Conv2D_Conv_0_result_t, layer70_t, config99>(layer96_out, layer70_out, t99); // Tanh_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer70_t>(layer70_out, "Tanh_0", 28*28*6);
#endif

    nnet::pooling2d_cl<layer70_t, layer72_t, config72>(layer70_out, layer72_out); // AveragePool_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer72_t>(layer72_out, "AveragePool_0", 14*14*6);
#endif

    nnet::conv_2d_cl<layer72_t, Conv2D_Conv_1_result_t, config97>(layer72_out, layer97_out, w97, b97); // Conv2D_Conv_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_1_result_t>(layer97_out, "Conv2D_Conv_1", 10*10*16);
#endif

    nnet::multithreshold<Conv2D_Conv_1_result_t, layer74_t, config100>(layer97_out, layer74_out, t100); // Tanh_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer74_t>(layer74_out, "Tanh_1", 10*10*16);
#endif

    nnet::pooling2d_cl<layer74_t, layer76_t, config76>(layer74_out, layer76_out); // AveragePool_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer76_t>(layer76_out, "AveragePool_1", 5*5*16);
#endif

    nnet::conv_2d_cl<layer76_t, Conv2D_Conv_2_result_t, config98>(layer76_out, layer98_out, w98, b98); // Conv2D_Conv_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_2_result_t>(layer98_out, "Conv2D_Conv_2", 1*1*120);
#endif

    nnet::multithreshold<Conv2D_Conv_2_result_t, layer78_t, config101>(layer98_out, layer78_out, t101); // Tanh_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer78_t>(layer78_out, "Tanh_2", 1*1*120);
#endif

    nnet::dense<layer78_t, Dense_MatMul_0_result_t, config94>(layer80_out, layer94_out, w94, b94); // Dense_MatMul_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Dense_MatMul_0_result_t>(layer94_out, "Dense_MatMul_0", 84);
#endif

    nnet::multithreshold<Dense_MatMul_0_result_t, layer83_t, config102>(layer94_out, layer83_out, t102); // Tanh_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer83_t>(layer83_out, "Tanh_3", 84);
#endif

    nnet::dense<layer83_t, result_t, config95>(layer83_out, layer95_out, w95, b95); // Dense_MatMul_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<result_t>(layer95_out, "Dense_MatMul_1", 10);
#endif

}

