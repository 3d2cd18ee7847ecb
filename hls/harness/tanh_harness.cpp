// Runs hls4ml's nnet::tanh (io_stream) on raw inputs: the reference of hwcnn's tanh table
// (hwcnn/tables.py), for tests/hw/test_hw_classic.py.
//
// The test writes cases.inc: one `case i: out = run<X, R, T, N>(rec[1]); break;` per case (input
// type X, result type R, table type T, table size N) and compiles this file with hls4ml's headers.
// stdin:  records of two int64 (case index, raw input) until end of input.
// stdout: one int64 per record: the raw bits of the result.

#include <cstdint>
#include <cstdio>
#include "ap_fixed.h"
#include "hls_stream.h"
#include "nnet_utils/nnet_activation_stream.h"

template <class T, unsigned N> struct cfg : nnet::activ_config {
    static const unsigned n_in = 1;
    static const unsigned table_size = N;
    typedef T table_t;
};

template <class X, class R, class T, unsigned N> int64_t run(int64_t raw) {
    nnet::array<X, 1> in;
    in[0].V = raw;
    hls::stream<nnet::array<X, 1>> s_in;
    hls::stream<nnet::array<R, 1>> s_out;
    s_in.write(in);
    nnet::tanh<nnet::array<X, 1>, nnet::array<R, 1>, cfg<T, N>>(s_in, s_out);
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
