/* edgegen validation firmware: what the validation loop needs from a board.
 * egv_board_stm32.c implements it for the STM32 USARTs; another board provides
 * these functions in its own file. */
#ifndef EGV_BOARD_H
#define EGV_BOARD_H
#include <stdint.h>

void egv_board_init(void);       /* clocks, pins, UART (EGV_BAUD), cycle counter */
int egv_uart_getc(void);         /* one received byte (blocking) */
void egv_uart_putc(uint8_t c);   /* sends one byte (blocking) */
uint32_t egv_cycles(void);       /* free-running cycle counter (wraps at 2^32) */
uint8_t egv_counter_kind(void);  /* enum egv_counter */
void egv_board_reset(void);      /* restarts the board (after a fault) */

#endif
