/* edgegen validation firmware: STM32 board support. A USART at EGV_USART_BASE
 * (8N1, EGV_BAUD from a EGV_UART_CLOCK_HZ kernel clock) and the cycle counter:
 * DWT CYCCNT on ARMv7-M/ARMv8-M, SysTick (24 bits, wraps counted) on ARMv6-M.
 *
 * The register layout: F1/F2/F4/L1 USARTs have SR/DR (EGV_USART_SR_DR=1), the
 * others ISR/RDR/TDR. egv_board_pins() (weak) enables the USART's bus clock and
 * its pins; the default does it for the Nucleo-64 virtual COM port (USART2 on
 * PA2/PA3) on STM32F4; write your own for another board. Faults restart the
 * board (the host sees the BOOT frame and reports it). */
#include <stdint.h>

#include "egfw.h"
#include "egv_board.h"
#include "egv_proto.h"

#ifndef EGV_BAUD
#define EGV_BAUD 115200u
#endif
#ifndef EGV_UART_CLOCK_HZ
#define EGV_UART_CLOCK_HZ 16000000u /* HSI after reset */
#endif
#ifndef EGV_USART_BASE
#define EGV_USART_BASE 0x40004400u /* USART2 */
#endif

#define REG(off) (*(volatile uint32_t *)(EGV_USART_BASE + (off)))
#if EGV_USART_SR_DR
#define USART_STATUS REG(0x00)
#define USART_RX REG(0x04)
#define USART_TX REG(0x04)
#define USART_BRR REG(0x08)
#define USART_CR1 REG(0x0C)
#define CR1_ENABLE ((1u << 13) | (1u << 3) | (1u << 2)) /* UE, TE, RE */
#define CR1_UE 0u
#define STATUS_ERRORS 0x0Fu /* PE FE NE ORE: cleared by reading SR then DR */
#else
#define USART_CR1 REG(0x00)
#define USART_BRR REG(0x0C)
#define USART_STATUS REG(0x1C)
#define USART_ICR REG(0x20)
#define USART_RX REG(0x24)
#define USART_TX REG(0x28)
#define CR1_ENABLE ((1u << 3) | (1u << 2)) /* TE, RE */
#define CR1_UE 1u
#define STATUS_ERRORS 0x0Fu
#endif
#define STATUS_RXNE (1u << 5)
#define STATUS_TXE (1u << 7)

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define AIRCR (*(volatile uint32_t *)0xE000ED0Cu)

__attribute__((weak)) void egv_board_pins(void) {
#if defined(EGV_NUCLEO_F4_USART2)
  *(volatile uint32_t *)0x40023830u |= 1u;         /* RCC_AHB1ENR: GPIOA */
  *(volatile uint32_t *)0x40023840u |= 1u << 17;   /* RCC_APB1ENR: USART2 */
  *(volatile uint32_t *)0x40020000u = (*(volatile uint32_t *)0x40020000u & ~0xF0u) | 0xA0u; /* PA2/PA3 AF */
  *(volatile uint32_t *)0x40020020u = (*(volatile uint32_t *)0x40020020u & ~0xFF00u) | 0x7700u; /* AF7 */
#endif
}

#if defined(__ARM_ARCH_6M__)
static volatile uint32_t egv_systick_wraps;
void SysTick_Handler(void) { egv_systick_wraps++; }
#endif

void egv_board_init(void) {
  egv_board_pins();
  USART_CR1 = 0;
  USART_BRR = (EGV_UART_CLOCK_HZ + EGV_BAUD / 2u) / EGV_BAUD;
  USART_CR1 = CR1_ENABLE;
  USART_CR1 = CR1_ENABLE | CR1_UE;
#if defined(__ARM_ARCH_6M__)
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 7u; /* processor clock, interrupt on wrap, enabled */
#else
  DEMCR |= 1u << 24; /* TRCENA */
  DWT_CYCCNT = 0;
  DWT_CTRL |= 1u;
#endif
}

int egv_uart_getc(void) {
  uint32_t st;
  while (!((st = USART_STATUS) & STATUS_RXNE)) {
    if (st & STATUS_ERRORS) { /* framing/noise/overrun (e.g. a wrong baud rate): clear, keep going */
#if EGV_USART_SR_DR
      (void)USART_RX;
#else
      USART_ICR = STATUS_ERRORS;
#endif
    }
  }
  return (int)(USART_RX & 0xFFu);
}

void egv_uart_putc(uint8_t c) {
  while (!(USART_STATUS & STATUS_TXE)) {
  }
  USART_TX = c;
}

uint32_t egv_cycles(void) {
#if defined(__ARM_ARCH_6M__)
  uint32_t w, v;
  do {
    w = egv_systick_wraps;
    v = SYST_CVR;
  } while (w != egv_systick_wraps);
  return (w << 24) + (0xFFFFFFu - v);
#else
  return DWT_CYCCNT;
#endif
}

uint8_t egv_counter_kind(void) {
#if defined(__ARM_ARCH_6M__)
  return EGV_COUNTER_SYSTICK;
#else
  return EGV_COUNTER_DWT;
#endif
}

void egv_board_reset(void) {
  __asm__ volatile("dsb" ::: "memory");
  AIRCR = 0x05FA0004u; /* SYSRESETREQ */
  for (;;) {
  }
}

/* The startup's console (faults): no text on the protocol's line; restart instead. */
void egfw_putc(char c) { (void)c; }
void egfw_print(const char *s) { (void)s; }
void egfw_print_u32(uint32_t v) { (void)v; }
void egfw_exit(int status) {
  (void)status;
  egv_board_reset();
  for (;;) {
  }
}
