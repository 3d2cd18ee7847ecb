// Runs hwcnn's nnet::multithreshold (io_stream, hls/nnet_utils/hwcnn_multithreshold.h) on raw inputs,
// for tests/hw/test_hw_classic.py.
//
// The test writes configs.inc (per case i: a config struct Ci and its thresholds ti) and cases.inc
// (`case i: out = run<X, R, Ci>(rec[1], ti); break;`) and compiles this file with hls4ml's headers and hwcnn's.
// stdin:  records of two int64 (case index, raw input) until end of input.
// stdout: one int64 per record: the raw bits of the result.

#include <cstdint>
#include <cstdio>
#include "ap_fixed.h"
#include "hls_stream.h"
#include "nnet_utils/nnet_types.h"
#include "nnet_utils/nnet_common.h"
#include "nnet_utils/hwcnn_multithreshold.h"

#include "configs.inc"

template <class X, class R, class C> int64_t run(int64_t raw, const typename C::threshold_t *t) {
    nnet::array<X, 1> in;
    in[0].V = raw;
    hls::stream<nnet::array<X, 1>> s_in;
    hls::stream<nnet::array<R, 1>> s_out;
    s_in.write(in);
    nnet::multithreshold<nnet::array<X, 1>, nnet::array<R, 1>, C>(s_in, s_out, t);
    return (int64_t)s_out.read()[0].V.to_uint64();
}

int main() {
    int64_t rec[2];
    while (std::fread(rec, sizeof(int64_t), 2, stdin) == 2) {
        int64_t out;
        switch (rec[0]) {
#include "cases.inc"
        default: return 2;
        }
        std::fwrite(&out, sizeof out, 1, stdout);
    }
    return 0;
}
