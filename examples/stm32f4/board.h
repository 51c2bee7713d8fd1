/* Board support of the example: output over ARM semihosting, exit, and the
 * DWT cycle counter. */
#ifndef EXAMPLE_BOARD_H
#define EXAMPLE_BOARD_H
#include <stdint.h>

void board_print(const char *s);            /* semihosting SYS_WRITE0 */
void board_print_int(int32_t v);
void board_print_hex8(uint8_t v);
void board_print_fixed(float v, int decimals);
__attribute__((noreturn)) void board_exit(int status);

/* DWT CYCCNT: 1 when the counter runs (a real Cortex-M4; QEMU does not model it). */
int board_cycles_start(void);
uint32_t board_cycles(void);

#endif
