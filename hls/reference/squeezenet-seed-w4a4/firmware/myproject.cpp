#include <iostream>

#include "myproject.h"
#include "parameters.h"


void myproject(
    hls::stream<input_t> &global_in,
    hls::stream<result_t> &layer257_out
) {

    // hls-fpga-machine-learning insert IO
    #pragma HLS INTERFACE axis port=global_in,layer257_out 
    #pragma HLS DATAFLOW

    // hls-fpga-machine-learning insert load weights
#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {
        nnet::load_weights_from_txt<weight258_t, 576>(w258, "w258.txt");
        nnet::load_weights_from_txt<bias258_t, 64>(b258, "b258.txt");
        nnet::load_weights_from_txt<weight259_t, 1024>(w259, "w259.txt");
        nnet::load_weights_from_txt<bias259_t, 16>(b259, "b259.txt");
        nnet::load_weights_from_txt<weight260_t, 1024>(w260, "w260.txt");
        nnet::load_weights_from_txt<bias260_t, 64>(b260, "b260.txt");
        nnet::load_weights_from_txt<weight261_t, 9216>(w261, "w261.txt");
        nnet::load_weights_from_txt<bias261_t, 64>(b261, "b261.txt");
        nnet::load_weights_from_txt<weight262_t, 2048>(w262, "w262.txt");
        nnet::load_weights_from_txt<bias262_t, 16>(b262, "b262.txt");
        nnet::load_weights_from_txt<weight263_t, 1024>(w263, "w263.txt");
        nnet::load_weights_from_txt<bias263_t, 64>(b263, "b263.txt");
        nnet::load_weights_from_txt<weight264_t, 9216>(w264, "w264.txt");
        nnet::load_weights_from_txt<bias264_t, 64>(b264, "b264.txt");
        nnet::load_weights_from_txt<weight265_t, 4096>(w265, "w265.txt");
        nnet::load_weights_from_txt<bias265_t, 32>(b265, "b265.txt");
        nnet::load_weights_from_txt<weight266_t, 4096>(w266, "w266.txt");
        nnet::load_weights_from_txt<bias266_t, 128>(b266, "b266.txt");
        nnet::load_weights_from_txt<weight267_t, 36864>(w267, "w267.txt");
        nnet::load_weights_from_txt<bias267_t, 128>(b267, "b267.txt");
        nnet::load_weights_from_txt<weight268_t, 8192>(w268, "w268.txt");
        nnet::load_weights_from_txt<bias268_t, 32>(b268, "b268.txt");
        nnet::load_weights_from_txt<weight269_t, 4096>(w269, "w269.txt");
        nnet::load_weights_from_txt<bias269_t, 128>(b269, "b269.txt");
        nnet::load_weights_from_txt<weight270_t, 36864>(w270, "w270.txt");
        nnet::load_weights_from_txt<bias270_t, 128>(b270, "b270.txt");
        nnet::load_weights_from_txt<weight271_t, 2560>(w271, "w271.txt");
        nnet::load_weights_from_txt<bias271_t, 10>(b271, "b271.txt");
        loaded_weights = true;    }
#endif
    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

    hls::stream<layer191_t> layer191_out("layer191_out");
    #pragma HLS STREAM variable=layer191_out depth=1024

    hls::stream<layer242_t> layer242_out("layer242_out");
    #pragma HLS STREAM variable=layer242_out depth=1024

    hls::stream<Conv2D_Conv_0_result_t> layer258_out("layer258_out");
    #pragma HLS STREAM variable=layer258_out depth=225

    hls::stream<layer194_t> layer194_out("layer194_out");
    #pragma HLS STREAM variable=layer194_out depth=225

    hls::stream<layer196_t> layer196_out("layer196_out");
    #pragma HLS STREAM variable=layer196_out depth=49

    hls::stream<Conv2D_Conv_1_result_t> layer259_out("layer259_out");
    #pragma HLS STREAM variable=layer259_out depth=49

    hls::stream<layer198_t> layer198_out("layer198_out");
    #pragma HLS STREAM variable=layer198_out depth=49

    hls::stream<layer198_t> layer272_cpy1("layer272_cpy1");
    #pragma HLS STREAM variable=layer272_cpy1 depth=49

    hls::stream<layer198_t> layer272_cpy2("layer272_cpy2");
    #pragma HLS STREAM variable=layer272_cpy2 depth=49

    hls::stream<layer276_t> layer276_out("layer276_out");
    #pragma HLS STREAM variable=layer276_out depth=81

    hls::stream<Conv2D_Conv_2_result_t> layer260_out("layer260_out");
    #pragma HLS STREAM variable=layer260_out depth=49

    hls::stream<Conv2D_Conv_3_result_t> layer261_out("layer261_out");
    #pragma HLS STREAM variable=layer261_out depth=49

    hls::stream<layer202_t> layer202_out("layer202_out");
    #pragma HLS STREAM variable=layer202_out depth=49

    hls::stream<layer203_t> layer203_out("layer203_out");
    #pragma HLS STREAM variable=layer203_out depth=49

    hls::stream<Concat_0_result_t> layer206_out("layer206_out");
    #pragma HLS STREAM variable=layer206_out depth=49

    hls::stream<Conv2D_Conv_4_result_t> layer262_out("layer262_out");
    #pragma HLS STREAM variable=layer262_out depth=49

    hls::stream<layer208_t> layer208_out("layer208_out");
    #pragma HLS STREAM variable=layer208_out depth=49

    hls::stream<layer208_t> layer273_cpy1("layer273_cpy1");
    #pragma HLS STREAM variable=layer273_cpy1 depth=49

    hls::stream<layer208_t> layer273_cpy2("layer273_cpy2");
    #pragma HLS STREAM variable=layer273_cpy2 depth=49

    hls::stream<layer277_t> layer277_out("layer277_out");
    #pragma HLS STREAM variable=layer277_out depth=81

    hls::stream<Conv2D_Conv_5_result_t> layer263_out("layer263_out");
    #pragma HLS STREAM variable=layer263_out depth=49

    hls::stream<Conv2D_Conv_6_result_t> layer264_out("layer264_out");
    #pragma HLS STREAM variable=layer264_out depth=49

    hls::stream<layer212_t> layer212_out("layer212_out");
    #pragma HLS STREAM variable=layer212_out depth=49

    hls::stream<layer213_t> layer213_out("layer213_out");
    #pragma HLS STREAM variable=layer213_out depth=49

    hls::stream<Concat_1_result_t> layer216_out("layer216_out");
    #pragma HLS STREAM variable=layer216_out depth=49

    hls::stream<Conv2D_Conv_7_result_t> layer265_out("layer265_out");
    #pragma HLS STREAM variable=layer265_out depth=49

    hls::stream<layer218_t> layer218_out("layer218_out");
    #pragma HLS STREAM variable=layer218_out depth=49

    hls::stream<layer218_t> layer274_cpy1("layer274_cpy1");
    #pragma HLS STREAM variable=layer274_cpy1 depth=49

    hls::stream<layer218_t> layer274_cpy2("layer274_cpy2");
    #pragma HLS STREAM variable=layer274_cpy2 depth=49

    hls::stream<layer278_t> layer278_out("layer278_out");
    #pragma HLS STREAM variable=layer278_out depth=81

    hls::stream<Conv2D_Conv_8_result_t> layer266_out("layer266_out");
    #pragma HLS STREAM variable=layer266_out depth=49

    hls::stream<Conv2D_Conv_9_result_t> layer267_out("layer267_out");
    #pragma HLS STREAM variable=layer267_out depth=49

    hls::stream<layer222_t> layer222_out("layer222_out");
    #pragma HLS STREAM variable=layer222_out depth=49

    hls::stream<layer223_t> layer223_out("layer223_out");
    #pragma HLS STREAM variable=layer223_out depth=49

    hls::stream<Concat_2_result_t> layer226_out("layer226_out");
    #pragma HLS STREAM variable=layer226_out depth=49

    hls::stream<Conv2D_Conv_10_result_t> layer268_out("layer268_out");
    #pragma HLS STREAM variable=layer268_out depth=49

    hls::stream<layer228_t> layer228_out("layer228_out");
    #pragma HLS STREAM variable=layer228_out depth=49

    hls::stream<layer228_t> layer275_cpy1("layer275_cpy1");
    #pragma HLS STREAM variable=layer275_cpy1 depth=49

    hls::stream<layer228_t> layer275_cpy2("layer275_cpy2");
    #pragma HLS STREAM variable=layer275_cpy2 depth=49

    hls::stream<layer279_t> layer279_out("layer279_out");
    #pragma HLS STREAM variable=layer279_out depth=81

    hls::stream<Conv2D_Conv_11_result_t> layer269_out("layer269_out");
    #pragma HLS STREAM variable=layer269_out depth=49

    hls::stream<Conv2D_Conv_12_result_t> layer270_out("layer270_out");
    #pragma HLS STREAM variable=layer270_out depth=49

    hls::stream<layer232_t> layer232_out("layer232_out");
    #pragma HLS STREAM variable=layer232_out depth=49

    hls::stream<layer233_t> layer233_out("layer233_out");
    #pragma HLS STREAM variable=layer233_out depth=49

    hls::stream<Concat_3_result_t> layer236_out("layer236_out");
    #pragma HLS STREAM variable=layer236_out depth=49

    hls::stream<Conv2D_Conv_13_result_t> layer271_out("layer271_out");
    #pragma HLS STREAM variable=layer271_out depth=49

    hls::stream<layer238_t> layer238_out("layer238_out");
    #pragma HLS STREAM variable=layer238_out depth=49

    hls::stream<layer240_t> layer240_out("layer240_out");
    #pragma HLS STREAM variable=layer240_out depth=1

    nnet::transpose<input_t, layer191_t, config191>(global_in, layer191_out); // Transpose_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer191_t>(layer191_out, "Transpose_0", 32*32*1);
#endif

    nnet::linear<layer191_t, layer242_t, linear_config242>(layer191_out, layer242_out); // Quant_28_act
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer242_t>(layer242_out, "Quant_28_act", 32*32*1);
#endif

    nnet::conv_2d_cl<layer242_t, Conv2D_Conv_0_result_t, config258>(layer242_out, layer258_out, w258, b258); // Conv2D_Conv_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_0_result_t>(layer258_out, "Conv2D_Conv_0", 15*15*64);
#endif

    nnet::relu<Conv2D_Conv_0_result_t, layer194_t, ReLU_config194>(layer258_out, layer194_out); // Relu_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer194_t>(layer194_out, "Relu_0", 15*15*64);
#endif

    nnet::pooling2d_window_cl<layer194_t, layer196_t, config196>(layer194_out, layer196_out); // MaxPool_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer196_t>(layer196_out, "MaxPool_0", 7*7*64);
#endif

    nnet::pointwise_conv_2d_cl<layer196_t, Conv2D_Conv_1_result_t, config280>(layer196_out, layer259_out, w259, b259); // Conv2D_Conv_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_1_result_t>(layer259_out, "Conv2D_Conv_1", 7*7*16);
#endif

    nnet::relu<Conv2D_Conv_1_result_t, layer198_t, ReLU_config198>(layer259_out, layer198_out); // Relu_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer198_t>(layer198_out, "Relu_1", 7*7*16);
#endif

    nnet::clone_stream<layer198_t, layer198_t, 784>(layer198_out, layer272_cpy1, layer272_cpy2); // clone_Relu_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer198_t>(layer272_cpy1, "clone_Relu_1", 7*7*16);
    nnet::save_layer_output<layer198_t>(layer272_cpy2, "clone_Relu_1", 7*7*16);
#endif

    nnet::zeropad2d_cl<layer198_t, layer276_t, config276>(layer272_cpy2, layer276_out); // zp2d_Conv2D_Conv_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer276_t>(layer276_out, "zp2d_Conv2D_Conv_3", 9*9*16);
#endif

    nnet::pointwise_conv_2d_cl<layer198_t, Conv2D_Conv_2_result_t, config281>(layer272_cpy1, layer260_out, w260, b260); // Conv2D_Conv_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_2_result_t>(layer260_out, "Conv2D_Conv_2", 7*7*64);
#endif

    nnet::conv_2d_cl<layer276_t, Conv2D_Conv_3_result_t, config261>(layer276_out, layer261_out, w261, b261); // Conv2D_Conv_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_3_result_t>(layer261_out, "Conv2D_Conv_3", 7*7*64);
#endif

    nnet::relu<Conv2D_Conv_2_result_t, layer202_t, ReLU_config202>(layer260_out, layer202_out); // Relu_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer202_t>(layer202_out, "Relu_2", 7*7*64);
#endif

    nnet::relu<Conv2D_Conv_3_result_t, layer203_t, ReLU_config203>(layer261_out, layer203_out); // Relu_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer203_t>(layer203_out, "Relu_3", 7*7*64);
#endif

    nnet::concatenate3d<layer202_t, layer203_t, Concat_0_result_t, config206>(layer202_out, layer203_out, layer206_out); // Concat_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_0_result_t>(layer206_out, "Concat_0", 7*7*128);
#endif

    nnet::pointwise_conv_2d_cl<Concat_0_result_t, Conv2D_Conv_4_result_t, config282>(layer206_out, layer262_out, w262, b262); // Conv2D_Conv_4
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_4_result_t>(layer262_out, "Conv2D_Conv_4", 7*7*16);
#endif

    nnet::relu<Conv2D_Conv_4_result_t, layer208_t, ReLU_config208>(layer262_out, layer208_out); // Relu_4
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer208_t>(layer208_out, "Relu_4", 7*7*16);
#endif

    nnet::clone_stream<layer208_t, layer208_t, 784>(layer208_out, layer273_cpy1, layer273_cpy2); // clone_Relu_4
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer208_t>(layer273_cpy1, "clone_Relu_4", 7*7*16);
    nnet::save_layer_output<layer208_t>(layer273_cpy2, "clone_Relu_4", 7*7*16);
#endif

    nnet::zeropad2d_cl<layer208_t, layer277_t, config277>(layer273_cpy2, layer277_out); // zp2d_Conv2D_Conv_6
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer277_t>(layer277_out, "zp2d_Conv2D_Conv_6", 9*9*16);
#endif

    nnet::pointwise_conv_2d_cl<layer208_t, Conv2D_Conv_5_result_t, config283>(layer273_cpy1, layer263_out, w263, b263); // Conv2D_Conv_5
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_5_result_t>(layer263_out, "Conv2D_Conv_5", 7*7*64);
#endif

    nnet::conv_2d_cl<layer277_t, Conv2D_Conv_6_result_t, config264>(layer277_out, layer264_out, w264, b264); // Conv2D_Conv_6
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_6_result_t>(layer264_out, "Conv2D_Conv_6", 7*7*64);
#endif

    nnet::relu<Conv2D_Conv_5_result_t, layer212_t, ReLU_config212>(layer263_out, layer212_out); // Relu_5
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer212_t>(layer212_out, "Relu_5", 7*7*64);
#endif

    nnet::relu<Conv2D_Conv_6_result_t, layer213_t, ReLU_config213>(layer264_out, layer213_out); // Relu_6
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer213_t>(layer213_out, "Relu_6", 7*7*64);
#endif

    nnet::concatenate3d<layer212_t, layer213_t, Concat_1_result_t, config216>(layer212_out, layer213_out, layer216_out); // Concat_1
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_1_result_t>(layer216_out, "Concat_1", 7*7*128);
#endif

    nnet::pointwise_conv_2d_cl<Concat_1_result_t, Conv2D_Conv_7_result_t, config284>(layer216_out, layer265_out, w265, b265); // Conv2D_Conv_7
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_7_result_t>(layer265_out, "Conv2D_Conv_7", 7*7*32);
#endif

    nnet::relu<Conv2D_Conv_7_result_t, layer218_t, ReLU_config218>(layer265_out, layer218_out); // Relu_7
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer218_t>(layer218_out, "Relu_7", 7*7*32);
#endif

    nnet::clone_stream<layer218_t, layer218_t, 1568>(layer218_out, layer274_cpy1, layer274_cpy2); // clone_Relu_7
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer218_t>(layer274_cpy1, "clone_Relu_7", 7*7*32);
    nnet::save_layer_output<layer218_t>(layer274_cpy2, "clone_Relu_7", 7*7*32);
#endif

    nnet::zeropad2d_cl<layer218_t, layer278_t, config278>(layer274_cpy2, layer278_out); // zp2d_Conv2D_Conv_9
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer278_t>(layer278_out, "zp2d_Conv2D_Conv_9", 9*9*32);
#endif

    nnet::pointwise_conv_2d_cl<layer218_t, Conv2D_Conv_8_result_t, config285>(layer274_cpy1, layer266_out, w266, b266); // Conv2D_Conv_8
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_8_result_t>(layer266_out, "Conv2D_Conv_8", 7*7*128);
#endif

    nnet::conv_2d_cl<layer278_t, Conv2D_Conv_9_result_t, config267>(layer278_out, layer267_out, w267, b267); // Conv2D_Conv_9
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_9_result_t>(layer267_out, "Conv2D_Conv_9", 7*7*128);
#endif

    nnet::relu<Conv2D_Conv_8_result_t, layer222_t, ReLU_config222>(layer266_out, layer222_out); // Relu_8
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer222_t>(layer222_out, "Relu_8", 7*7*128);
#endif

    nnet::relu<Conv2D_Conv_9_result_t, layer223_t, ReLU_config223>(layer267_out, layer223_out); // Relu_9
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer223_t>(layer223_out, "Relu_9", 7*7*128);
#endif

    nnet::concatenate3d<layer222_t, layer223_t, Concat_2_result_t, config226>(layer222_out, layer223_out, layer226_out); // Concat_2
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_2_result_t>(layer226_out, "Concat_2", 7*7*256);
#endif

    nnet::pointwise_conv_2d_cl<Concat_2_result_t, Conv2D_Conv_10_result_t, config286>(layer226_out, layer268_out, w268, b268); // Conv2D_Conv_10
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_10_result_t>(layer268_out, "Conv2D_Conv_10", 7*7*32);
#endif

    nnet::relu<Conv2D_Conv_10_result_t, layer228_t, ReLU_config228>(layer268_out, layer228_out); // Relu_10
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer228_t>(layer228_out, "Relu_10", 7*7*32);
#endif

    nnet::clone_stream<layer228_t, layer228_t, 1568>(layer228_out, layer275_cpy1, layer275_cpy2); // clone_Relu_10
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer228_t>(layer275_cpy1, "clone_Relu_10", 7*7*32);
    nnet::save_layer_output<layer228_t>(layer275_cpy2, "clone_Relu_10", 7*7*32);
#endif

    nnet::zeropad2d_cl<layer228_t, layer279_t, config279>(layer275_cpy2, layer279_out); // zp2d_Conv2D_Conv_12
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer279_t>(layer279_out, "zp2d_Conv2D_Conv_12", 9*9*32);
#endif

    nnet::pointwise_conv_2d_cl<layer228_t, Conv2D_Conv_11_result_t, config287>(layer275_cpy1, layer269_out, w269, b269); // Conv2D_Conv_11
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_11_result_t>(layer269_out, "Conv2D_Conv_11", 7*7*128);
#endif

    nnet::conv_2d_cl<layer279_t, Conv2D_Conv_12_result_t, config270>(layer279_out, layer270_out, w270, b270); // Conv2D_Conv_12
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_12_result_t>(layer270_out, "Conv2D_Conv_12", 7*7*128);
#endif

    nnet::relu<Conv2D_Conv_11_result_t, layer232_t, ReLU_config232>(layer269_out, layer232_out); // Relu_11
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer232_t>(layer232_out, "Relu_11", 7*7*128);
#endif

    nnet::relu<Conv2D_Conv_12_result_t, layer233_t, ReLU_config233>(layer270_out, layer233_out); // Relu_12
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer233_t>(layer233_out, "Relu_12", 7*7*128);
#endif

    nnet::concatenate3d<layer232_t, layer233_t, Concat_3_result_t, config236>(layer232_out, layer233_out, layer236_out); // Concat_3
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Concat_3_result_t>(layer236_out, "Concat_3", 7*7*256);
#endif

    nnet::pointwise_conv_2d_cl<Concat_3_result_t, Conv2D_Conv_13_result_t, config288>(layer236_out, layer271_out, w271, b271); // Conv2D_Conv_13
#ifndef __SYNTHESIS__
    nnet::save_layer_output<Conv2D_Conv_13_result_t>(layer271_out, "Conv2D_Conv_13", 7*7*10);
#endif

    nnet::relu<Conv2D_Conv_13_result_t, layer238_t, ReLU_config238>(layer271_out, layer238_out); // Relu_13
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer238_t>(layer238_out, "Relu_13", 7*7*10);
#endif

    nnet::global_pooling2d_rounded_cl<layer238_t, layer240_t, config240>(layer238_out, layer240_out); // ReduceMean_0
#ifndef __SYNTHESIS__
    nnet::save_layer_output<layer240_t>(layer240_out, "ReduceMean_0", 10);
#endif

    nnet::linear<layer240_t, result_t, linear_config257>(layer240_out, layer257_out); // Quant_43_act
#ifndef __SYNTHESIS__
    nnet::save_layer_output<result_t>(layer257_out, "Quant_43_act", 10);
#endif

}

