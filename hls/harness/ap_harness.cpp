// Runs ap_fixed operations for hwcnn's tests: the reference that hwcnn.fixed must match.
//
// harness.py generates the operations (ops_table.inc declares OPS, one function per operation,
// each with its types as template arguments) and compiles this file with them.
// stdin:  records of three int64 (operation index, a, b) until end of input.
// stdout: one int64 per record: the raw bits of the result (the low bits hold the value).
#include <cstdint>
#include <cstdio>

typedef int64_t (*op_fn)(int64_t a, int64_t b);
#include "ops_table.inc"

int main() {
  const int64_t n_ops = sizeof(OPS) / sizeof(OPS[0]);
  int64_t rec[3];
  size_t got;
  while ((got = std::fread(rec, sizeof(int64_t), 3, stdin)) == 3) {
    if (rec[0] < 0 || rec[0] >= n_ops) {
      std::fprintf(stderr, "operation index %lld out of range\n", (long long)rec[0]);
      return 2;
    }
    int64_t out = OPS[rec[0]](rec[1], rec[2]);
    std::fwrite(&out, sizeof(out), 1, stdout);
  }
  if (got != 0 || std::ferror(stdin)) {
    std::fprintf(stderr, "input is not a whole number of records\n");
    return 2;
  }
  return std::fflush(stdout) == 0 ? 0 : 2;
}
