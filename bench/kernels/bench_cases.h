/* The benches' measured pair: RUN_BOTH(id, ref, opt) runs `ref` in m4bench region 2 * id and `opt` in
 * region 2 * id + 1. Region ids must be compile-time constants: one case per layer id. */
#ifndef BENCH_CASES_H
#define BENCH_CASES_H
#include "m4bench.h"

#define CASE(i, ref, opt) \
  case i:                 \
    M4_BEGIN(2 * i);      \
    ref;                  \
    M4_END(2 * i);        \
    M4_BEGIN(2 * i + 1);  \
    opt;                  \
    M4_END(2 * i + 1);    \
    break;
#define RUN_BOTH(id, ref, opt)                                                                                   \
  switch (id) {                                                                                                  \
    CASE(1, ref, opt) CASE(2, ref, opt) CASE(3, ref, opt) CASE(4, ref, opt) CASE(5, ref, opt) CASE(6, ref, opt) \
    CASE(7, ref, opt) CASE(8, ref, opt) CASE(9, ref, opt) CASE(10, ref, opt) CASE(11, ref, opt)                 \
    CASE(12, ref, opt) CASE(13, ref, opt) CASE(14, ref, opt) CASE(15, ref, opt) CASE(16, ref, opt)             \
    CASE(17, ref, opt) CASE(18, ref, opt) CASE(19, ref, opt) CASE(20, ref, opt) CASE(21, ref, opt)             \
    CASE(22, ref, opt) CASE(23, ref, opt) CASE(24, ref, opt) CASE(25, ref, opt) CASE(26, ref, opt)             \
    CASE(27, ref, opt) CASE(28, ref, opt) CASE(29, ref, opt) CASE(30, ref, opt) CASE(31, ref, opt)             \
    CASE(32, ref, opt) CASE(33, ref, opt) CASE(34, ref, opt) CASE(35, ref, opt)                                \
    default: break;                                                                                              \
  }

#endif
