// hwcnn: io_stream pooling that hls4ml 1.3.0 does not have.
// - pooling2d_window_cl: windows whose stride differs from their size (SqueezeNet's overlapping 3x3/2 max pools),
//   no padding; a line buffer of pool_height rows. Works around: nnet_pooling_stream.h asserts pool == stride.
// - global_pooling2d_rounded_cl: a global average over an area that is not a power of two, rounded to its
//   quantizer's grid exactly: sum * reciprocal + half, floored onto the result grid, saturated
//   (hwcnn/average.py proves the reciprocal's width on every sum the input can reach). Works around:
//   hls4ml's average divides in accum_t, truncating, and the quantizer after it rounds a second time.
#ifndef HWCNN_POOLING_H_
#define HWCNN_POOLING_H_

#include "ap_fixed.h"
#include "hls_stream.h"
#include "nnet_common.h"
#include "nnet_pooling.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_window_cl(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    typedef typename CONFIG_T::accum_t accum_t;
    static_assert(data_T::size == CONFIG_T::n_filt && res_T::size == CONFIG_T::n_filt,
                  "hwcnn window pooling: one stream word per pixel, all channels");
    static const unsigned ph = CONFIG_T::pool_height, pw = CONFIG_T::pool_width;
    static const unsigned sh = CONFIG_T::stride_height, sw = CONFIG_T::stride_width;
    static const unsigned nc = CONFIG_T::n_filt;
    typename data_T::value_type rows[ph][CONFIG_T::in_width][nc];
    #pragma HLS ARRAY_PARTITION variable = rows complete dim = 1
    #pragma HLS ARRAY_PARTITION variable = rows complete dim = 3
WindowRows:
    for (unsigned h = 0; h < CONFIG_T::in_height; h++) {
    WindowCols:
        for (unsigned w = 0; w < CONFIG_T::in_width; w++) {
            #pragma HLS PIPELINE
            data_T in = data.read();
            for (unsigned c = 0; c < nc; c++) {
                #pragma HLS UNROLL
                rows[h % ph][w][c] = in[c];
            }
            const bool row_ends = h + 1 >= ph && (h + 1 - ph) % sh == 0 && (h + 1 - ph) / sh < CONFIG_T::out_height;
            const bool col_ends = w + 1 >= pw && (w + 1 - pw) % sw == 0 && (w + 1 - pw) / sw < CONFIG_T::out_width;
            if (!(row_ends && col_ends))
                continue;
            res_T out;
            PRAGMA_DATA_PACK(out)
            for (unsigned c = 0; c < nc; c++) {
                #pragma HLS UNROLL
                accum_t acc = rows[(h + 1 - ph) % ph][w + 1 - pw][c];
                for (unsigned i = 0; i < ph; i++) {
                    for (unsigned j = 0; j < pw; j++) {
                        if (i == 0 && j == 0)
                            continue;
                        accum_t v = rows[(h + 1 - ph + i) % ph][w + 1 - pw + j][c];
                        if (CONFIG_T::pool_op == Max)
                            acc = acc >= v ? acc : v;
                        else
                            acc += v;
                    }
                }
                if (CONFIG_T::pool_op == Average)
                    acc /= (int)(ph * pw);
                out[c] = acc;
            }
            res.write(out);
        }
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void global_pooling2d_rounded_cl(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    typedef typename CONFIG_T::accum_t accum_t;
    static_assert(data_T::size == CONFIG_T::n_filt && res_T::size == CONFIG_T::n_filt,
                  "hwcnn rounded average: one stream word per pixel, all channels");
    static const unsigned nc = CONFIG_T::n_filt;
    accum_t sums[nc];
    #pragma HLS ARRAY_PARTITION variable = sums complete
    for (unsigned c = 0; c < nc; c++) {
        #pragma HLS UNROLL
        sums[c] = 0;
    }
GlobalSum:
    for (unsigned i = 0; i < CONFIG_T::in_height * CONFIG_T::in_width; i++) {
        #pragma HLS PIPELINE
        data_T in = data.read();
        for (unsigned c = 0; c < nc; c++) {
            #pragma HLS UNROLL
            sums[c] += in[c];
        }
    }
    const typename CONFIG_T::reciprocal_t reciprocal = CONFIG_T::reciprocal;
    const typename CONFIG_T::half_t half = CONFIG_T::half;
    res_T out;
    PRAGMA_DATA_PACK(out)
    for (unsigned c = 0; c < nc; c++) {
        #pragma HLS UNROLL
        typename CONFIG_T::floor_t y = sums[c] * reciprocal + half;  // exact product and sum; floored, saturated
        out[c] = y;
    }
    res.write(out);
}

} // namespace nnet

#endif
