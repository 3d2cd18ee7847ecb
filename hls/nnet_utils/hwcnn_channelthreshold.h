// hwcnn: a batch norm or constant scaling and the quantizer after it as per-channel thresholds on
// its input (hwcnn/thresholds.py `bisect`). Channel c (channels innermost):
//     out = base[c] + step[c] * (number of thresholds t of channel c with x >= t), step[c] = +1 or -1,
// written as the raw value of res_T.
// Works around: hls4ml 1.3.0's BatchNormalization computes x * scale + bias in fixed point, and
// where the quantized model's float32 levels have no such exact form (rounding at a level boundary)
// or the input takes too many values to find one, its core would compute another function.
#ifndef HWCNN_CHANNELTHRESHOLD_H_
#define HWCNN_CHANNELTHRESHOLD_H_

#include "ap_fixed.h"
#include "hls_stream.h"

namespace nnet {

struct channelthreshold_config {
    static const unsigned n_in = 1;
    static const unsigned n_chan = 1;
    static const unsigned n_thresholds = 1;
    static const unsigned io_type = io_parallel;
    static const unsigned reuse_factor = 1;
    typedef float threshold_t;
    typedef int base_t;
    typedef int step_t;
};

template <class data_T, class res_T, typename CONFIG_T>
res_T channelthreshold_one(data_T x, const typename CONFIG_T::threshold_t thresholds[CONFIG_T::n_thresholds],
                           typename CONFIG_T::base_t base, typename CONFIG_T::step_t step) {
    #pragma HLS INLINE
    ap_int<32> count = 0;
ChannelThresholdLoop:
    for (unsigned t = 0; t < CONFIG_T::n_thresholds; t++) {
        #pragma HLS UNROLL
        count += (x >= thresholds[t]) ? 1 : 0;
    }
    ap_int<32> code = base;
    code += (step < 0) ? ap_int<32>(-count) : count;
    res_T out;
    out.range(res_T::width - 1, 0) = code.range(res_T::width - 1, 0);
    return out;
}

template <class data_T, class res_T, typename CONFIG_T>
void channelthreshold(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                      const typename CONFIG_T::threshold_t thresholds[CONFIG_T::n_chan * CONFIG_T::n_thresholds],
                      const typename CONFIG_T::base_t base[CONFIG_T::n_chan],
                      const typename CONFIG_T::step_t step[CONFIG_T::n_chan]) {
    #pragma HLS PIPELINE II = CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable = thresholds complete
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        const unsigned c = i % CONFIG_T::n_chan;
        res[i] = channelthreshold_one<data_T, res_T, CONFIG_T>(data[i], &thresholds[c * CONFIG_T::n_thresholds],
                                                               base[c], step[c]);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void channelthreshold(hls::stream<data_T> &data, hls::stream<res_T> &res,
                      const typename CONFIG_T::threshold_t thresholds[CONFIG_T::n_chan * CONFIG_T::n_thresholds],
                      const typename CONFIG_T::base_t base[CONFIG_T::n_chan],
                      const typename CONFIG_T::step_t step[CONFIG_T::n_chan]) {
    #pragma HLS ARRAY_PARTITION variable = thresholds complete
    static_assert(data_T::size == res_T::size, "hwcnn channelthreshold: input and output words pack alike");
ChannelThresholdStreamLoop:
    for (unsigned i = 0; i < CONFIG_T::n_in / res_T::size; i++) {
        #pragma HLS PIPELINE
        data_T in_data = data.read();
        res_T out_data;
        PRAGMA_DATA_PACK(out_data)
    ChannelThresholdPackLoop:
        for (unsigned j = 0; j < res_T::size; j++) {
            #pragma HLS UNROLL
            const unsigned c = (i * res_T::size + j) % CONFIG_T::n_chan;
            out_data[j] = channelthreshold_one<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(
                in_data[j], &thresholds[c * CONFIG_T::n_thresholds], base[c], step[c]);
        }
        res.write(out_data);
    }
}

} // namespace nnet

#endif
