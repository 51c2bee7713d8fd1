/* edgegen runtime: I/O format conversions the application asked for (--input-data-type uint8 on
 * an int8 network and the like). */
#ifndef EG_IO_H
#define EG_IO_H
#include <stdint.h>

/* uint8 with zero point z + 128 <-> int8 with zero point z (same scale): the same values with the
 * top bit flipped. in and out may be the same buffer. */
void eg_sign_flip_8(const uint8_t *in, uint8_t *out, int32_t n);

#endif
