// hwcnn: a monotonic activation and its quantizer as thresholds on the accumulator (hwcnn/thresholds.py).
// out = base + (number of thresholds t with x >= t), written as the raw value of res_T.
// Works around: hls4ml 1.3.0's tanh and sigmoid are lookup tables whose index truncates the input, so
// they do not compute the quantized (QAT) model; a quantized monotonic activation is a step function.
#ifndef HWCNN_MULTITHRESHOLD_H_
#define HWCNN_MULTITHRESHOLD_H_

#include "ap_fixed.h"
#include "hls_stream.h"

namespace nnet {

struct multithreshold_config {
    static const unsigned n_in = 1;
    static const unsigned n_thresholds = 1;
    static const int base = 0;
    static const unsigned io_type = io_parallel;
    static const unsigned reuse_factor = 1;
    typedef float threshold_t;
};

template <class data_T, class res_T, typename CONFIG_T>
res_T multithreshold_one(data_T x, const typename CONFIG_T::threshold_t thresholds[CONFIG_T::n_thresholds]) {
    #pragma HLS INLINE
    ap_int<res_T::width + 1> code = CONFIG_T::base;
ThresholdLoop:
    for (unsigned t = 0; t < CONFIG_T::n_thresholds; t++) {
        #pragma HLS UNROLL
        code += (x >= thresholds[t]) ? 1 : 0;
    }
    res_T out;
    out.range(res_T::width - 1, 0) = code.range(res_T::width - 1, 0);
    return out;
}

template <class data_T, class res_T, typename CONFIG_T>
void multithreshold(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                    const typename CONFIG_T::threshold_t thresholds[CONFIG_T::n_thresholds]) {
    #pragma HLS PIPELINE II = CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable = thresholds complete
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = multithreshold_one<data_T, res_T, CONFIG_T>(data[i], thresholds);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void multithreshold(hls::stream<data_T> &data, hls::stream<res_T> &res,
                    const typename CONFIG_T::threshold_t thresholds[CONFIG_T::n_thresholds]) {
    #pragma HLS ARRAY_PARTITION variable = thresholds complete
    static_assert(data_T::size == res_T::size, "hwcnn multithreshold: input and output words pack alike");
MultiThresholdLoop:
    for (unsigned i = 0; i < CONFIG_T::n_in / res_T::size; i++) {
        #pragma HLS PIPELINE
        data_T in_data = data.read();
        res_T out_data;
        PRAGMA_DATA_PACK(out_data)
    MultiThresholdPackLoop:
        for (unsigned j = 0; j < res_T::size; j++) {
            #pragma HLS UNROLL
            out_data[j] = multithreshold_one<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(
                in_data[j], thresholds);
        }
        res.write(out_data);
    }
}

} // namespace nnet

#endif
