/*
 * edgegen example for an STM32F4 (Cortex-M4F): one inference of the generated
 * network through the st-ai API (network.h), on a built-in input, printing the
 * outputs and the cycle count.
 *
 *   edgegen generate --model model.onnx --output gen/ && make GEN=gen/
 *
 * The network must be generated with the default --name network. Input 1 is a
 * fixed ramp unless INPUT=file.h is given to make (a header that defines
 * `static const uint8_t example_input_1[]`: the raw bytes of input 1, e.g. int8
 * values already quantized with STAI_NETWORK_IN_1_SCALE/ZERO_POINT).
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "network.h"

#ifdef EXAMPLE_INPUT_FILE
#include EXAMPLE_INPUT_FILE
#endif

/* Region markers understood by the m4bench cycle estimator (unallocated
 * Thumb-2 hints: NOPs on a real core). Region 1 = the inference. */
#ifndef EXAMPLE_NO_MARKERS
#define EXAMPLE_MARK(kind, id)                                  \
  __asm__ volatile(".inst.w 0xf3af8000 | %c0\n\t"               \
                   ".inst.w 0xf3af8040 | ((%c1 >> 6) & 63)\n\t" \
                   ".inst.w 0xf3af8040 | (%c1 & 63)"            \
                   :                                            \
                   : "i"(kind), "i"(id)                         \
                   : "memory")
#else
#define EXAMPLE_MARK(kind, id) ((void)0)
#endif

#define MAX_PRINT 16 /* values printed per output */

static STAI_ALIGNED(8) uint8_t activations[STAI_NETWORK_ACTIVATION_1_SIZE_BYTES > 0 ? STAI_NETWORK_ACTIVATION_1_SIZE_BYTES : 4];
static STAI_ALIGNED(STAI_NETWORK_CONTEXT_ALIGNMENT) stai_network context[STAI_NETWORK_CONTEXT_SIZE];

/* Per-input / per-output facts from network.h (up to 4 of each). */
static const uint32_t in_elems[] = {STAI_NETWORK_IN_1_SIZE
#if STAI_NETWORK_IN_NUM > 1
                                    , STAI_NETWORK_IN_2_SIZE
#endif
#if STAI_NETWORK_IN_NUM > 2
                                    , STAI_NETWORK_IN_3_SIZE
#endif
#if STAI_NETWORK_IN_NUM > 3
                                    , STAI_NETWORK_IN_4_SIZE
#endif
};
static const int in_format[] = {STAI_NETWORK_IN_1_FORMAT
#if STAI_NETWORK_IN_NUM > 1
                                , STAI_NETWORK_IN_2_FORMAT
#endif
#if STAI_NETWORK_IN_NUM > 2
                                , STAI_NETWORK_IN_3_FORMAT
#endif
#if STAI_NETWORK_IN_NUM > 3
                                , STAI_NETWORK_IN_4_FORMAT
#endif
};
static const uint32_t out_elems[] = {STAI_NETWORK_OUT_1_SIZE
#if STAI_NETWORK_OUT_NUM > 1
                                     , STAI_NETWORK_OUT_2_SIZE
#endif
#if STAI_NETWORK_OUT_NUM > 2
                                     , STAI_NETWORK_OUT_3_SIZE
#endif
#if STAI_NETWORK_OUT_NUM > 3
                                     , STAI_NETWORK_OUT_4_SIZE
#endif
};
static const int out_format[] = {STAI_NETWORK_OUT_1_FORMAT
#if STAI_NETWORK_OUT_NUM > 1
                                 , STAI_NETWORK_OUT_2_FORMAT
#endif
#if STAI_NETWORK_OUT_NUM > 2
                                 , STAI_NETWORK_OUT_3_FORMAT
#endif
#if STAI_NETWORK_OUT_NUM > 3
                                 , STAI_NETWORK_OUT_4_FORMAT
#endif
};

#ifdef STAI_NETWORK_OUT_1_SCALE
#define OUT_1_SCALE STAI_NETWORK_OUT_1_SCALE
#define OUT_1_ZERO_POINT STAI_NETWORK_OUT_1_ZERO_POINT
#else
#define OUT_1_SCALE 0.0f
#define OUT_1_ZERO_POINT 0
#endif

/* A deterministic ramp in [0, 1), quantized for int8 inputs. */
static float ramp(uint32_t i) { return (float)((i * 37u) % 101u) / 101.0f; }

static void fill_input(uint32_t k, void *buf) {
  uint32_t i;
#ifdef EXAMPLE_INPUT_FILE
  if (k == 0) {
    memcpy(buf, example_input_1, sizeof(example_input_1));
    return;
  }
#endif
  for (i = 0; i < in_elems[k]; ++i) {
    if (in_format[k] == STAI_FORMAT_FLOAT32) {
      ((float *)buf)[i] = ramp(i);
    } else if (in_format[k] == STAI_FORMAT_S8) {
#ifdef STAI_NETWORK_IN_1_SCALE
      float q = ramp(i) / STAI_NETWORK_IN_1_SCALE + (float)STAI_NETWORK_IN_1_ZERO_POINT;
#else
      float q = ramp(i) * 127.0f;
#endif
      q = q < -128.0f ? -128.0f : (q > 127.0f ? 127.0f : q);
      ((int8_t *)buf)[i] = (int8_t)(q < 0 ? q - 0.5f : q + 0.5f);
    } else {
      ((uint8_t *)buf)[i] = (uint8_t)(i * 37u);
    }
  }
}

static void print_output(uint32_t k, const void *buf) {
  uint32_t i, n = out_elems[k] < MAX_PRINT ? out_elems[k] : MAX_PRINT;
  for (i = 0; i < n; ++i) {
    board_print("output ");
    board_print_int((int32_t)k + 1);
    board_print("[");
    board_print_int((int32_t)i);
    board_print("] = ");
    if (out_format[k] == STAI_FORMAT_FLOAT32) {
      board_print_fixed(((const float *)buf)[i], 6);
    } else if (out_format[k] == STAI_FORMAT_S8) {
      int32_t q = ((const int8_t *)buf)[i];
      board_print_int(q);
      if (k == 0 && OUT_1_SCALE != 0.0f) {
        board_print(" (");
        board_print_fixed((float)(q - OUT_1_ZERO_POINT) * OUT_1_SCALE, 6);
        board_print(")");
      }
    } else {
      board_print("0x");
      board_print_hex8(((const uint8_t *)buf)[i]);
    }
    board_print("\n");
  }
  if (out_elems[k] > n) board_print("...\n");
}

__attribute__((noinline)) static stai_return_code infer(void) {
  return stai_network_run(context, STAI_MODE_SYNC);
}

int main(void) {
  stai_ptr act[1], ins[STAI_NETWORK_IN_NUM], outs[STAI_NETWORK_OUT_NUM];
  stai_size n = 0;
  stai_return_code rc;
  uint32_t k, t0, t1;
  int dwt;

  board_print("edgegen example: " STAI_NETWORK_ORIGIN_MODEL_NAME ", MACC ");
  board_print_int(STAI_NETWORK_MACC_NUM);
  board_print(", activations ");
  board_print_int(STAI_NETWORK_ACTIVATION_1_SIZE_BYTES);
  board_print(" B, weights ");
  board_print_int(STAI_NETWORK_WEIGHTS_SIZE_BYTES);
  board_print(" B\n");

  if (stai_network_init(context) != STAI_SUCCESS) goto error;
  act[0] = activations;
  if (stai_network_set_activations(context, act, 1) != STAI_SUCCESS) goto error;
  if (stai_network_get_inputs(context, ins, &n) != STAI_SUCCESS || n != STAI_NETWORK_IN_NUM) goto error;
  if (stai_network_get_outputs(context, outs, &n) != STAI_SUCCESS || n != STAI_NETWORK_OUT_NUM) goto error;
  for (k = 0; k < STAI_NETWORK_IN_NUM; ++k) fill_input(k, ins[k]);

  dwt = board_cycles_start();
  t0 = board_cycles();
  EXAMPLE_MARK(0xB1, 1);
  rc = infer();
  EXAMPLE_MARK(0xB2, 1);
  t1 = board_cycles();
  if (rc != STAI_SUCCESS) goto error;

  for (k = 0; k < STAI_NETWORK_OUT_NUM; ++k) print_output(k, outs[k]);
  if (dwt) {
    board_print("cycles: ");
    board_print_int((int32_t)(t1 - t0));
    board_print(" (DWT CYCCNT)\n");
  } else {
    board_print("cycles: n/a (DWT CYCCNT not running: emulator; m4run reports region 1)\n");
  }
  stai_network_deinit(context);
  return 0;

error:
  board_print("error: st-ai API call failed\n");
  return 1;
}
