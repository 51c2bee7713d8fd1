/* edgegen firmware startup for a bare-metal Cortex-M (any of M0 .. M55):
 * vector table, reset (FPU/MVE access on, .data copied, .bss zeroed, main),
 * and a fault handler that reports the faulting PC and exits with status 100. */
#include <stdint.h>

#include "egfw.h"

extern uint32_t __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__, __stack_top__;
int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void egfw_fault(uint32_t *frame);

/* Nothing here may use the FPU before CPACR enables it. */
__attribute__((noreturn, used)) void Reset_Handler(void) {
  volatile uint32_t *src = &__data_load__, *dst = &__data_start__;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10/CP11 full access */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  while (dst < &__data_end__) *dst++ = *src++;
  for (dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0;
  egfw_exit(main());
}

__attribute__((naked, used)) void Default_Handler(void) {
  __asm__ volatile(
      "movs r0, #4\n\t"
      "mov  r1, lr\n\t"
      "tst  r0, r1\n\t"
      "beq  1f\n\t"
      "mrs  r0, psp\n\t"
      "b    egfw_fault\n"
      "1:\n\t"
      "mrs  r0, msp\n\t"
      "b    egfw_fault\n\t");
}

__attribute__((noreturn, used)) void egfw_fault(uint32_t *frame) {
  egfw_print("egfw: unhandled exception at pc=");
  egfw_print_u32(frame[6]);
  egfw_putc('\n');
  egfw_exit(EGFW_EXIT_FAULT);
}

/* A board file may define SysTick_Handler (the ARMv6-M cycle counter counts its wraps). */
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*egfw_vector)(void);
__attribute__((section(".isr_vector"), used)) const egfw_vector egfw_vectors[16] = {
    (egfw_vector)(uintptr_t)&__stack_top__,
    Reset_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    0, 0, 0, 0,
    Default_Handler, Default_Handler, 0, Default_Handler, SysTick_Handler,
};
