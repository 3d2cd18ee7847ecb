#include <iostream>

#include "myproject.h"
#include "parameters.h"


void myproject(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer233_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=global_in,layer233_out 
    #pragma HLS DATAFLOW

    // hls-fpga-machine-learning insert load weights
#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        nnet::load_weights_from_txt<weight248_t, 576>(w248, "w248.txt");
        nnet::load_weights_from_txt<bias248_t, 64>(b248, "b248.txt");
        nnet::load_weights_from_txt<weight249_t, 1024>(w249, "w249.txt");
        nnet::load_weights_from_txt<bias249_t, 16>(b249, "b249.txt");
        nnet::load_weights_from_txt<weight250_t, 512>(w250, "w250.txt");
        nnet::load_weights_from_txt<bias250_t, 32>(b250, "b250.txt");
        nnet::load_weights_from_txt<weight251_t, 4608>(w251, "w251.txt");
        nnet::load_weights_from_txt<bias251_t, 32>(b251, "b251.txt");
        nnet::load_weights_from_txt<weight252_t, 1024>(w252, "w252.txt");
        nnet::load_weights_from_txt<bias252_t, 16>(b252, "b252.txt");
        nnet::load_weights_from_txt<weight253_t, 512>(w253, "w253.txt");
        nnet::load_weights_from_txt<bias253_t, 32>(b253, "b253.txt");
        nnet::load_weights_from_txt<weight254_t, 4608>(w254, "w254.txt");
        nnet::load_weights_from_txt<bias254_t, 32>(b254, "b254.txt");
        nnet::load_weights_from_txt<weight255_t, 2048>(w255, "w255.txt");
        nnet::load_weights_from_txt<bias255_t, 32>(b255, "b255.txt");
        nnet::load_weights_from_txt<weight256_t, 2048>(w256, "w256.txt");
        nnet::load_weights_from_txt<bias256_t, 64>(b256, "b256.txt");
        nnet::load_weights_from_txt<weight257_t, 18432>(w257, "w257.txt");
        nnet::load_weights_from_txt<bias257_t, 64>(b257, "b257.txt");
        nnet::load_weights_from_txt<weight258_t, 4096>(w258, "w258.txt");
        nnet::load_weights_from_txt<bias258_t, 32>(b258, "b258.txt");
        nnet::load_weights_from_txt<weight259_t, 2048>(w259, "w259.txt");
        nnet::load_weights_from_txt<bias259_t, 64>(b259, "b259.txt");
        nnet::load_weights_from_txt<weight260_t, 18432>(w260, "w260.txt");
        nnet::load_weights_from_txt<bias260_t, 64>(b260, "b260.txt");
        nnet::load_weights_from_txt<weight261_t, 1280>(w261, "w261.txt");
        nnet::load_weights_from_txt<bias261_t, 10>(b261, "b261.txt");
        loaded_weights = true;    }
#endif
    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer185_t> layer185_out("layer185_out");
    #pragma HLS STREAM variable=layer185_out depth=1024

    hls::stream<layer234_t> layer234_out("layer234_out");
    #pragma HLS STREAM variable=layer234_out depth=1024

    hls::stream<layer266_t> layer266_out("layer266_out");
    #pragma HLS STREAM variable=layer266_out depth=1156

    hls::stream<Conv2D_Conv_0_result_t> layer248_out("layer248_out");
    #pragma HLS STREAM variable=layer248_out depth=1024

    hls::stream<layer188_t> layer188_out("layer188_out");
    #pragma HLS STREAM variable=layer188_out depth=1024

    hls::stream<layer190_t> layer190_out("layer190_out");
    #pragma HLS STREAM variable=layer190_out depth=256

    hls::stream<Conv2D_Conv_1_result_t> layer249_out("layer249_out");
    #pragma HLS STREAM variable=layer249_out depth=256

    hls::stream<layer192_t> layer192_out("layer192_out");
    #pragma HLS STREAM variable=layer192_out depth=256

    hls::stream<layer192_t> layer262_cpy1("layer262_cpy1");
    #pragma HLS STREAM variable=layer262_cpy1 depth=256

    hls::stream<layer192_t> layer262_cpy2("layer262_cpy2");
    #pragma HLS STREAM variable=layer262_cpy2 depth=256

    hls::stream<layer267_t> layer267_out("layer267_out");
    #pragma HLS STREAM variable=layer267_out depth=324

    hls::stream<Conv2D_Conv_2_result_t> layer250_out("layer250_out");
    #pragma HLS STREAM variable=layer250_out depth=256

    hls::stream<Conv2D_Conv_3_result_t> layer251_out("layer251_out");
    #pragma HLS STREAM variable=layer251_out depth=256

    hls::stream<layer196_t> layer196_out("layer196_out");
    #pragma HLS STREAM variable=layer196_out depth=256

    hls::stream<layer197_t> layer197_out("layer197_out");
    #pragma HLS STREAM variable=layer197_out depth=256

    hls::stream<Concat_0_result_t> layer200_out("layer200_out");
    #pragma HLS STREAM variable=layer200_out depth=256

    hls::stream<Conv2D_Conv_4_result_t> layer252_out("layer252_out");
    #pragma HLS STREAM variable=layer252_out depth=256

    hls::stream<layer202_t> layer202_out("layer202_out");
    #pragma HLS STREAM variable=layer202_out depth=256

    hls::stream<layer202_t> layer263_cpy1("layer263_cpy1");
    #pragma HLS STREAM variable=layer263_cpy1 depth=256

    hls::stream<layer202_t> layer263_cpy2("layer263_cpy2");
    #pragma HLS STREAM variable=layer263_cpy2 depth=256

    hls::stream<layer268_t> layer268_out("layer268_out");
    #pragma HLS STREAM variable=layer268_out depth=324

    hls::stream<Conv2D_Conv_5_result_t> layer253_out("layer253_out");
    #pragma HLS STREAM variable=layer253_out depth=256

    hls::stream<Conv2D_Conv_6_result_t> layer254_out("layer254_out");
    #pragma HLS STREAM variable=layer254_out depth=256

    hls::stream<layer206_t> layer206_out("layer206_out");
    #pragma HLS STREAM variable=layer206_out depth=256

    hls::stream<layer207_t> layer207_out("layer207_out");
    #pragma HLS STREAM variable=layer207_out depth=256

    hls::stream<Concat_1_result_t> layer210_out("layer210_out");
    #pragma HLS STREAM variable=layer210_out depth=256

    hls::stream<layer211_t> layer211_out("layer211_out");
    #pragma HLS STREAM variable=layer211_out depth=64

    hls::stream<Conv2D_Conv_7_result_t> layer255_out("layer255_out");
    #pragma HLS STREAM variable=layer255_out depth=64

    hls::stream<layer213_t> layer213_out("layer213_out");
    #pragma HLS STREAM variable=layer213_out depth=64

    hls::stream<layer213_t> layer264_cpy1("layer264_cpy1");
    #pragma HLS STREAM variable=layer264_cpy1 depth=64

    hls::stream<layer213_t> layer264_cpy2("layer264_cpy2");
    #pragma HLS STREAM variable=layer264_cpy2 depth=64

    hls::stream<layer269_t> layer269_out("layer269_out");
    #pragma HLS STREAM variable=layer269_out depth=100

    hls::stream<Conv2D_Conv_8_result_t> layer256_out("layer256_out");
    #pragma HLS STREAM variable=layer256_out depth=64

    hls::stream<Conv2D_Conv_9_result_t> layer257_out("layer257_out");
    #pragma HLS STREAM variable=layer257_out depth=64

    hls::stream<layer217_t> layer217_out("layer217_out");
    #pragma HLS STREAM variable=layer217_out depth=64

    hls::stream<layer218_t> layer218_out("layer218_out");
    #pragma HLS STREAM variable=layer218_out depth=64

    hls::stream<Concat_2_result_t> layer221_out("layer221_out");
    #pragma HLS STREAM variable=layer221_out depth=64

    hls::stream<Conv2D_Conv_10_result_t> layer258_out("layer258_out");
    #pragma HLS STREAM variable=layer258_out depth=64

    hls::stream<layer223_t> layer223_out("layer223_out");
    #pragma HLS STREAM variable=layer223_out depth=64

    hls::stream<layer223_t> layer265_cpy1("layer265_cpy1");
    #pragma HLS STREAM variable=layer265_cpy1 depth=64

    hls::stream<layer223_t> layer265_cpy2("layer265_cpy2");
    #pragma HLS STREAM variable=layer265_cpy2 depth=64

    hls::stream<layer270_t> layer270_out("layer270_out");
    #pragma HLS STREAM variable=layer270_out depth=100

    hls::stream<Conv2D_Conv_11_result_t> layer259_out("layer259_out");
    #pragma HLS STREAM variable=layer259_out depth=64

    hls::stream<Conv2D_Conv_12_result_t> layer260_out("layer260_out");
    #pragma HLS STREAM variable=layer260_out depth=64

    hls::stream<layer227_t> layer227_out("layer227_out");
    #pragma HLS STREAM variable=layer227_out depth=64

    hls::stream<layer228_t> layer228_out("layer228_out");
    #pragma HLS STREAM variable=layer228_out depth=64

    hls::stream<Concat_3_result_t> layer231_out("layer231_out");
    #pragma HLS STREAM variable=layer231_out depth=64

    hls::stream<Conv2D_Conv_13_result_t> layer261_out("layer261_out");
    #pragma HLS STREAM variable=layer261_out depth=64

    nnet::transpose<input_t, layer185_t, config185>(global_in, layer185_out); // Transpose_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer185_t>(layer185_out, "Transpose_0", 32*32*1);
#endif

    nnet::linear<layer185_t, layer234_t, linear_config234>(layer185_out, layer234_out); // Quant_28_act
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer234_t>(layer234_out, "Quant_28_act", 32*32*1);
#endif

    nnet::zeropad2d_cl<layer234_t, layer266_t, config266>(layer234_out, layer266_out); // zp2d_Conv2D_Conv_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer266_t>(layer266_out, "zp2d_Conv2D_Conv_0", 34*34*1);
#endif

    nnet::conv_2d_cl<layer266_t, Conv2D_Conv_0_result_t, config248>(layer266_out, layer248_out, w248, b248); // Conv2D_Conv_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_0_result_t>(layer248_out, "Conv2D_Conv_0", 32*32*64);
#endif

    nnet::relu<Conv2D_Conv_0_result_t, layer188_t, ReLU_config188>(layer248_out, layer188_out); // Relu_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer188_t>(layer188_out, "Relu_0", 32*32*64);
#endif

    nnet::pooling2d_cl<layer188_t, layer190_t, config190>(layer188_out, layer190_out); // MaxPool_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer190_t>(layer190_out, "MaxPool_0", 16*16*64);
#endif

    nnet::pointwise_conv_2d_cl<layer190_t, Conv2D_Conv_1_result_t, config271>(layer190_out, layer249_out, w249, b249); // Conv2D_Conv_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_1_result_t>(layer249_out, "Conv2D_Conv_1", 16*16*16);
#endif

    nnet::relu<Conv2D_Conv_1_result_t, layer192_t, ReLU_config192>(layer249_out, layer192_out); // Relu_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer192_t>(layer192_out, "Relu_1", 16*16*16);
#endif

    nnet::clone_stream<layer192_t, layer192_t, 4096>(layer192_out, layer262_cpy1, layer262_cpy2); // clone_Relu_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer192_t>(layer262_cpy1, "clone_Relu_1", 16*16*16);
    nnet::save_layer_output<layer192_t>(layer262_cpy2, "clone_Relu_1", 16*16*16);
#endif

    nnet::zeropad2d_cl<layer192_t, layer267_t, config267>(layer262_cpy2, layer267_out); // zp2d_Conv2D_Conv_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer267_t>(layer267_out, "zp2d_Conv2D_Conv_3", 18*18*16);
#endif

    nnet::pointwise_conv_2d_cl<layer192_t, Conv2D_Conv_2_result_t, config272>(layer262_cpy1, layer250_out, w250, b250); // Conv2D_Conv_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_2_result_t>(layer250_out, "Conv2D_Conv_2", 16*16*32);
#endif

    nnet::conv_2d_cl<layer267_t, Conv2D_Conv_3_result_t, config251>(layer267_out, layer251_out, w251, b251); // Conv2D_Conv_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_3_result_t>(layer251_out, "Conv2D_Conv_3", 16*16*32);
#endif

    nnet::relu<Conv2D_Conv_2_result_t, layer196_t, ReLU_config196>(layer250_out, layer196_out); // Relu_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer196_t>(layer196_out, "Relu_2", 16*16*32);
#endif

    nnet::relu<Conv2D_Conv_3_result_t, layer197_t, ReLU_config197>(layer251_out, layer197_out); // Relu_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer197_t>(layer197_out, "Relu_3", 16*16*32);
#endif

    nnet::concatenate3d<layer196_t, layer197_t, Concat_0_result_t, config200>(layer196_out, layer197_out, layer200_out); // Concat_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_0_result_t>(layer200_out, "Concat_0", 16*16*64);
#endif

    nnet::pointwise_conv_2d_cl<Concat_0_result_t, Conv2D_Conv_4_result_t, config273>(layer200_out, layer252_out, w252, b252); // Conv2D_Conv_4
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_4_result_t>(layer252_out, "Conv2D_Conv_4", 16*16*16);
#endif

    nnet::relu<Conv2D_Conv_4_result_t, layer202_t, ReLU_config202>(layer252_out, layer202_out); // Relu_4
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer202_t>(layer202_out, "Relu_4", 16*16*16);
#endif

    nnet::clone_stream<layer202_t, layer202_t, 4096>(layer202_out, layer263_cpy1, layer263_cpy2); // clone_Relu_4
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer202_t>(layer263_cpy1, "clone_Relu_4", 16*16*16);
    nnet::save_layer_output<layer202_t>(layer263_cpy2, "clone_Relu_4", 16*16*16);
#endif

    nnet::zeropad2d_cl<layer202_t, layer268_t, config268>(layer263_cpy2, layer268_out); // zp2d_Conv2D_Conv_6
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer268_t>(layer268_out, "zp2d_Conv2D_Conv_6", 18*18*16);
#endif

    nnet::pointwise_conv_2d_cl<layer202_t, Conv2D_Conv_5_result_t, config274>(layer263_cpy1, layer253_out, w253, b253); // Conv2D_Conv_5
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_5_result_t>(layer253_out, "Conv2D_Conv_5", 16*16*32);
#endif

    nnet::conv_2d_cl<layer268_t, Conv2D_Conv_6_result_t, config254>(layer268_out, layer254_out, w254, b254); // Conv2D_Conv_6
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_6_result_t>(layer254_out, "Conv2D_Conv_6", 16*16*32);
#endif

    nnet::relu<Conv2D_Conv_5_result_t, layer206_t, ReLU_config206>(layer253_out, layer206_out); // Relu_5
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer206_t>(layer206_out, "Relu_5", 16*16*32);
#endif

    nnet::relu<Conv2D_Conv_6_result_t, layer207_t, ReLU_config207>(layer254_out, layer207_out); // Relu_6
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer207_t>(layer207_out, "Relu_6", 16*16*32);
#endif

    nnet::concatenate3d<layer206_t, layer207_t, Concat_1_result_t, config210>(layer206_out, layer207_out, layer210_out); // Concat_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_1_result_t>(layer210_out, "Concat_1", 16*16*64);
#endif

    nnet::pooling2d_cl<Concat_1_result_t, layer211_t, config211>(layer210_out, layer211_out); // MaxPool_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer211_t>(layer211_out, "MaxPool_1", 8*8*64);
#endif

    nnet::pointwise_conv_2d_cl<layer211_t, Conv2D_Conv_7_result_t, config275>(layer211_out, layer255_out, w255, b255); // Conv2D_Conv_7
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_7_result_t>(layer255_out, "Conv2D_Conv_7", 8*8*32);
#endif

    nnet::relu<Conv2D_Conv_7_result_t, layer213_t, ReLU_config213>(layer255_out, layer213_out); // Relu_7
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer213_t>(layer213_out, "Relu_7", 8*8*32);
#endif

    nnet::clone_stream<layer213_t, layer213_t, 2048>(layer213_out, layer264_cpy1, layer264_cpy2); // clone_Relu_7
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer213_t>(layer264_cpy1, "clone_Relu_7", 8*8*32);
    nnet::save_layer_output<layer213_t>(layer264_cpy2, "clone_Relu_7", 8*8*32);
#endif

    nnet::zeropad2d_cl<layer213_t, layer269_t, config269>(layer264_cpy2, layer269_out); // zp2d_Conv2D_Conv_9
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer269_t>(layer269_out, "zp2d_Conv2D_Conv_9", 10*10*32);
#endif

    nnet::pointwise_conv_2d_cl<layer213_t, Conv2D_Conv_8_result_t, config276>(layer264_cpy1, layer256_out, w256, b256); // Conv2D_Conv_8
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_8_result_t>(layer256_out, "Conv2D_Conv_8", 8*8*64);
#endif

    nnet::conv_2d_cl<layer269_t, Conv2D_Conv_9_result_t, config257>(layer269_out, layer257_out, w257, b257); // Conv2D_Conv_9
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_9_result_t>(layer257_out, "Conv2D_Conv_9", 8*8*64);
#endif

    nnet::relu<Conv2D_Conv_8_result_t, layer217_t, ReLU_config217>(layer256_out, layer217_out); // Relu_8
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer217_t>(layer217_out, "Relu_8", 8*8*64);
#endif

    nnet::relu<Conv2D_Conv_9_result_t, layer218_t, ReLU_config218>(layer257_out, layer218_out); // Relu_9
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer218_t>(layer218_out, "Relu_9", 8*8*64);
#endif

    nnet::concatenate3d<layer217_t, layer218_t, Concat_2_result_t, config221>(layer217_out, layer218_out, layer221_out); // Concat_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_2_result_t>(layer221_out, "Concat_2", 8*8*128);
#endif

    nnet::pointwise_conv_2d_cl<Concat_2_result_t, Conv2D_Conv_10_result_t, config277>(layer221_out, layer258_out, w258, b258); // Conv2D_Conv_10
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_10_result_t>(layer258_out, "Conv2D_Conv_10", 8*8*32);
#endif

    nnet::relu<Conv2D_Conv_10_result_t, layer223_t, ReLU_config223>(layer258_out, layer223_out); // Relu_10
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer223_t>(layer223_out, "Relu_10", 8*8*32);
#endif

    nnet::clone_stream<layer223_t, layer223_t, 2048>(layer223_out, layer265_cpy1, layer265_cpy2); // clone_Relu_10
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer223_t>(layer265_cpy1, "clone_Relu_10", 8*8*32);
    nnet::save_layer_output<layer223_t>(layer265_cpy2, "clone_Relu_10", 8*8*32);
#endif

    nnet::zeropad2d_cl<layer223_t, layer270_t, config270>(layer265_cpy2, layer270_out); // zp2d_Conv2D_Conv_12
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer270_t>(layer270_out, "zp2d_Conv2D_Conv_12", 10*10*32);
#endif

    nnet::pointwise_conv_2d_cl<layer223_t, Conv2D_Conv_11_result_t, config278>(layer265_cpy1, layer259_out, w259, b259); // Conv2D_Conv_11
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_11_result_t>(layer259_out, "Conv2D_Conv_11", 8*8*64);
#endif

    nnet::conv_2d_cl<layer270_t, Conv2D_Conv_12_result_t, config260>(layer270_out, layer260_out, w260, b260); // Conv2D_Conv_12
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_12_result_t>(layer260_out, "Conv2D_Conv_12", 8*8*64);
#endif

    nnet::relu<Conv2D_Conv_11_result_t, layer227_t, ReLU_config227>(layer259_out, layer227_out); // Relu_11
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer227_t>(layer227_out, "Relu_11", 8*8*64);
#endif

    nnet::relu<Conv2D_Conv_12_result_t, layer228_t, ReLU_config228>(layer260_out, layer228_out); // Relu_12
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer228_t>(layer228_out, "Relu_12", 8*8*64);
#endif

    nnet::concatenate3d<layer227_t, layer228_t, Concat_3_result_t, config231>(layer227_out, layer228_out, layer231_out); // Concat_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_3_result_t>(layer231_out, "Concat_3", 8*8*128);
#endif

    nnet::pointwise_conv_2d_cl<Concat_3_result_t, Conv2D_Conv_13_result_t, config279>(layer231_out, layer261_out, w261, b261); // Conv2D_Conv_13
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_13_result_t>(layer261_out, "Conv2D_Conv_13", 8*8*10);
#endif

    nnet::global_pooling2d_cl<Conv2D_Conv_13_result_t, result_t, config233>(layer261_out, layer233_out); // ReduceMean_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<result_t>(layer233_out, "ReduceMean_0", 10);
#endif

}

