/*
 * Minimal startup for an STM32F4 (Cortex-M4F): vector table, reset handler
 * (FPU on, .data copy, .bss clear, main), and a fault handler that reports
 * over semihosting. No vendor HAL/CMSIS: register addresses are the
 * architectural ones from the ARMv7-M reference manual.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

void Reset_Handler(void);
void Fault_Handler(void);
void Idle_Handler(void);

/* Core exception vectors (no peripheral interrupt is used by the example). */
__attribute__((section(".isr_vector"), used))
static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&_estack, /* initial main stack pointer */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Idle_Handler, /* SVCall */
    Idle_Handler, /* DebugMonitor */
    0,
    Idle_Handler, /* PendSV */
    Idle_Handler, /* SysTick */
};

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

/* No floating point before the FPU is on: keep this function free of FP and
 * of library calls. */
__attribute__((noreturn, used)) void Reset_Handler(void) {
  uint32_t *src = &_sidata, *dst;
  SCB_CPACR |= 0xFu << 20; /* CP10/CP11 full access */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  for (dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  board_exit(main());
}

void Idle_Handler(void) {}

void Fault_Handler(void) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  board_print("fault: exception ");
  board_print_int((int32_t)(ipsr & 0x1ffu));
  board_print("\n");
  board_exit(100);
}
