/* edgegen runtime: int8 -> int8 element-wise functions as 256-entry tables.
 * A quantized Relu, Sigmoid, Tanh, HardSwish... between DequantizeLinear and
 * QuantizeLinear is exactly a table of its 256 possible inputs, computed at
 * compile time with the model's float semantics. */
#ifndef EG_LUT_H
#define EG_LUT_H
#include <stdint.h>

/* out[i] = table[in[i] + 128]; in and out may be the same buffer. */
void eg_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *table);

#endif
