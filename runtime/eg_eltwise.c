#include "eg_eltwise.h"

void eg_clamp_f32(const float *in, float *out, int32_t n, float lo, float hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    float v = in[i];
    v = v < lo ? lo : v;
    out[i] = v > hi ? hi : v;
  }
}

void eg_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    int32_t v = in[i];
    v = v < lo ? lo : v;
    out[i] = (int8_t)(v > hi ? hi : v);
  }
}
