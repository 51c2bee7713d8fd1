#include "eg_io.h"

#include <string.h>

void eg_sign_flip_8(const uint8_t *in, uint8_t *out, int32_t n) {
  int32_t i = 0;
  /* four bytes at a time (memcpy: no alignment or aliasing assumption) */
  for (; i + 4 <= n; i += 4) {
    uint32_t w;
    memcpy(&w, in + i, 4);
    w ^= 0x80808080u;
    memcpy(out + i, &w, 4);
  }
  for (; i < n; ++i) out[i] = (uint8_t)(in[i] ^ 0x80u);
}
