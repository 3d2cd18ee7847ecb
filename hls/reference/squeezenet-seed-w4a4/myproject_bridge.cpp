#ifndef MYPROJECT_BRIDGE_H_
#define MYPROJECT_BRIDGE_H_

#include "firmware/myproject.h"
#include "firmware/nnet_utils/nnet_helpers.h"
#include <algorithm>
#include <map>

// hls-fpga-machine-learning insert bram

namespace nnet {
bool trace_enabled = false;
std::map<std::string, void *> *trace_outputs = NULL;
size_t trace_type_size = sizeof(double);
} // namespace nnet

extern "C" {

struct trace_data {
    const char *name;
    void *data;
};

void allocate_trace_storage(size_t element_size) {
    nnet::trace_enabled = true;
    nnet::trace_outputs = new std::map<std::string, void *>;
    nnet::trace_type_size = element_size;
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Transpose_0", (void *) malloc(32*32*1 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Quant_28_act", (void *) malloc(32*32*1 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_0", (void *) malloc(15*15*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_0", (void *) malloc(15*15*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("MaxPool_0", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_1", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_1", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_1", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_1", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("zp2d_Conv2D_Conv_3", (void *) malloc(9*9*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_2", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_3", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_2", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_3", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Concat_0", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_4", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_4", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_4", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_4", (void *) malloc(7*7*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("zp2d_Conv2D_Conv_6", (void *) malloc(9*9*16 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_5", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_6", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_5", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_6", (void *) malloc(7*7*64 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Concat_1", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_7", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_7", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_7", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_7", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("zp2d_Conv2D_Conv_9", (void *) malloc(9*9*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_8", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_9", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_8", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_9", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Concat_2", (void *) malloc(7*7*256 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_10", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_10", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_10", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("clone_Relu_10", (void *) malloc(7*7*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("zp2d_Conv2D_Conv_12", (void *) malloc(9*9*32 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_11", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_12", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_11", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_12", (void *) malloc(7*7*128 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Concat_3", (void *) malloc(7*7*256 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Conv2D_Conv_13", (void *) malloc(7*7*10 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Relu_13", (void *) malloc(7*7*10 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("ReduceMean_0", (void *) malloc(10 * element_size)));
    nnet::trace_outputs->insert(std::pair<std::string, void *>("Quant_43_act", (void *) malloc(10 * element_size)));
}

void free_trace_storage() {
    for (std::map<std::string, void *>::iterator i = nnet::trace_outputs->begin(); i != nnet::trace_outputs->end(); i++) {
        void *ptr = i->second;
        free(ptr);
    }
    nnet::trace_outputs->clear();
    delete nnet::trace_outputs;
    nnet::trace_outputs = NULL;
    nnet::trace_enabled = false;
}

void collect_trace_output(struct trace_data *c_trace_outputs) {
    int ii = 0;
    for (std::map<std::string, void *>::iterator i = nnet::trace_outputs->begin(); i != nnet::trace_outputs->end(); i++) {
        c_trace_outputs[ii].name = i->first.c_str();
        c_trace_outputs[ii].data = i->second;
        ii++;
    }
}

// hls-fpga-machine-learning insert tb_input_writer

// Wrapper of top level function for Python bridge
void myproject_float(
    float *global_in,
    float *layer257_out
) {

    hls::stream<input_t> global_in_ap("global_in");
    nnet::convert_data<float, input_t, 1*32*32>(global_in, global_in_ap);

    hls::stream<result_t> layer257_out_ap("layer257_out");

    myproject(global_in_ap,layer257_out_ap);

    nnet::convert_data<result_t, float, 10>(layer257_out_ap, layer257_out);
}

void myproject_double(
    double *global_in,
    double *layer257_out
) {

    hls::stream<input_t> global_in_ap("global_in");
    nnet::convert_data<double, input_t, 1*32*32>(global_in, global_in_ap);

    hls::stream<result_t> layer257_out_ap("layer257_out");

    myproject(global_in_ap,layer257_out_ap);

    nnet::convert_data<result_t, double, 10>(layer257_out_ap, layer257_out);
}
}

#endif
