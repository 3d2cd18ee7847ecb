// hwcnn: io_stream pooling that hls4ml 1.3.0 does not have.
// - pooling2d_window_cl: windows whose stride differs from their size (SqueezeNet's overlapping 3x3/2 max pools),
//   and padded max pools (Keras "same", PyTorch padding, ceil mode as end padding); a line buffer of pool_height
//   rows. Works around: nnet_pooling_stream.h asserts pool == stride and no padding.
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

// The first output index whose window, clipped to the input, ends at its last element: the smallest o with
// o * s - pad + k >= n (a window the padding, or ceil mode, clips at the end; or one that ends there exactly).
constexpr unsigned window_first_at_end(unsigned n, unsigned k, unsigned s, unsigned pad) {
    return n + pad <= k ? 0 : (n + pad - k + s - 1) / s;
}

// Output (oh, ow): the max (or, unpadded, the average) of the part of its window inside the input. Padding is
// never read: ONNX and PyTorch pad a max pool with -inf, so the clipped window is the padded one.
template <class data_T, class res_T, typename CONFIG_T>
res_T pooling2d_window_out(typename data_T::value_type rows[CONFIG_T::pool_height][CONFIG_T::in_width][CONFIG_T::n_filt],
                           int oh, int ow) {
    #pragma HLS INLINE
    typedef typename CONFIG_T::accum_t accum_t;
    static const int ph = CONFIG_T::pool_height, pw = CONFIG_T::pool_width;
    const int r0 = oh * (int)CONFIG_T::stride_height - (int)CONFIG_T::pad_top;
    const int c0 = ow * (int)CONFIG_T::stride_width - (int)CONFIG_T::pad_left;
    const int rs = r0 < 0 ? 0 : r0, cs = c0 < 0 ? 0 : c0;  // the first element inside the input
    res_T out;
    PRAGMA_DATA_PACK(out)
    for (unsigned c = 0; c < CONFIG_T::n_filt; c++) {
        #pragma HLS UNROLL
        accum_t acc = rows[rs % ph][cs][c];
        for (int i = 0; i < ph; i++) {
            for (int j = 0; j < pw; j++) {
                const int r = r0 + i, col = c0 + j;
                if (r < rs || r >= (int)CONFIG_T::in_height || col < cs || col >= (int)CONFIG_T::in_width ||
                    (r == rs && col == cs))
                    continue;
                accum_t v = rows[r % ph][col][c];
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
    return out;
}

// A line buffer of pool_height rows. An output is written as soon as the last input of its clipped window
// arrives, in raster order; windows that the end padding clips (several end on the last column or row) follow
// the last column of their row (RowTail) and the last row of the image (ImageTail).
template <class data_T, class res_T, typename CONFIG_T>
void pooling2d_window_cl(hls::stream<data_T> &data, hls::stream<res_T> &res) {
    static_assert(data_T::size == CONFIG_T::n_filt && res_T::size == CONFIG_T::n_filt,
                  "hwcnn window pooling: one stream word per pixel, all channels");
    static const unsigned ph = CONFIG_T::pool_height, pw = CONFIG_T::pool_width;
    static const unsigned sh = CONFIG_T::stride_height, sw = CONFIG_T::stride_width;
    static const unsigned H = CONFIG_T::in_height, W = CONFIG_T::in_width, OH = CONFIG_T::out_height,
                          OW = CONFIG_T::out_width;
    static const unsigned last_oh = window_first_at_end(H, ph, sh, CONFIG_T::pad_top);
    static const unsigned last_ow = window_first_at_end(W, pw, sw, CONFIG_T::pad_left);
    static_assert(CONFIG_T::pool_op == Max ||
                      CONFIG_T::pad_top + CONFIG_T::pad_bottom + CONFIG_T::pad_left + CONFIG_T::pad_right == 0,
                  "hwcnn window pooling: padding in a max pool only");
    static_assert((OH - 1) * sh < H + CONFIG_T::pad_top && (OW - 1) * sw < W + CONFIG_T::pad_left,
                  "hwcnn window pooling: every window holds an input");
    static_assert(CONFIG_T::pad_top < ph && CONFIG_T::pad_left < pw, "hwcnn window pooling: padding below the window");
    typename data_T::value_type rows[ph][W][CONFIG_T::n_filt];
    #pragma HLS ARRAY_PARTITION variable = rows complete dim = 1
    #pragma HLS ARRAY_PARTITION variable = rows complete dim = 3
WindowRows:
    for (unsigned h = 0; h < H; h++) {
        // the output row whose window ends on input row h, if any
        const int t = (int)h + 1 + (int)CONFIG_T::pad_top - (int)ph;
        const int oh = h + 1 == H ? (int)last_oh : (t >= 0 && t % sh == 0 ? t / (int)sh : -1);
        const bool row_ends = oh >= 0 && oh < (int)OH;
    WindowCols:
        for (unsigned w = 0; w < W; w++) {
            #pragma HLS PIPELINE
            data_T in = data.read();
            for (unsigned c = 0; c < CONFIG_T::n_filt; c++) {
                #pragma HLS UNROLL
                rows[h % ph][w][c] = in[c];
            }
            const int u = (int)w + 1 + (int)CONFIG_T::pad_left - (int)pw;
            const int ow = w + 1 == W ? (int)last_ow : (u >= 0 && u % sw == 0 ? u / (int)sw : -1);
            if (row_ends && ow >= 0 && ow < (int)OW)
                res.write(pooling2d_window_out<data_T, res_T, CONFIG_T>(rows, oh, ow));
        }
        if (!row_ends)
            continue;
    RowTail:
        for (unsigned ow = last_ow + 1; ow < OW; ow++) {
            #pragma HLS PIPELINE
            res.write(pooling2d_window_out<data_T, res_T, CONFIG_T>(rows, oh, ow));
        }
    }
ImageTail:
    for (unsigned oh = last_oh + 1; oh < OH; oh++) {
        for (unsigned ow = 0; ow < OW; ow++) {
            #pragma HLS PIPELINE
            res.write(pooling2d_window_out<data_T, res_T, CONFIG_T>(rows, oh, ow));
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
