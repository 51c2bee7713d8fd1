#include "eg_lut.h"

void eg_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *table) {
  const int8_t *t = table + 128;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) { /* four independent loads keep the M4's load pipeline busy */
    const int8_t a = t[in[i]], b = t[in[i + 1]], c = t[in[i + 2]], d = t[in[i + 3]];
    out[i] = a;
    out[i + 1] = b;
    out[i + 2] = c;
    out[i + 3] = d;
  }
  for (; i < n; ++i) out[i] = t[in[i]];
}
