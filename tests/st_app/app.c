/* An application written only against ST Edge AI Core's documented st-ai API (stai.h and the
 * generated <name>.h): two networks in one program, "network" (the seed model) and "kws".
 * Compiles as C99 and as C++. The platform gives app_print() and the reference data (refs.h). */
#include <string.h>

#include "app.h"
#include "kws.h"
#include "kws_details.h"
#include "network.h"
#include "refs.h"

STAI_NETWORK_CONTEXT_DECLARE(seed_ctx, STAI_NETWORK_CONTEXT_SIZE)
STAI_NETWORK_CONTEXT_DECLARE(kws_ctx, STAI_KWS_CONTEXT_SIZE)
static STAI_ALIGNED(STAI_NETWORK_ACTIVATION_1_ALIGNMENT) uint8_t seed_act[STAI_NETWORK_ACTIVATIONS_SIZE_BYTES];
static STAI_ALIGNED(STAI_KWS_ACTIVATION_1_ALIGNMENT) uint8_t kws_act[STAI_KWS_ACTIVATIONS_SIZE_BYTES];
static STAI_ALIGNED(STAI_NETWORK_WEIGHT_1_ALIGNMENT) uint8_t seed_weights_ram[STAI_NETWORK_WEIGHTS_SIZE_BYTES];
static STAI_ALIGNED(STAI_NETWORK_IN_1_ALIGNMENT) uint8_t seed_own_input[STAI_NETWORK_IN_1_SIZE_BYTES];

static void quantize(const stai_tensor *t, const float *x, uint8_t *q, stai_size n) {
  stai_size i;
  for (i = 0; i < n; ++i) {
    int32_t v = app_round_even(x[i] / t->scale.data[0]) + t->zeropoint.data[0];
    if (v < -128) v = -128;
    if (v > 127) v = 127;
    q[i] = (uint8_t)(int8_t)v;
  }
}

/* dequantized output against the reference: the same int8 code (within half a step) */
static int matches(const stai_tensor *t, const uint8_t *q, const float *ref, stai_size n) {
  stai_size i;
  for (i = 0; i < n; ++i) {
    const float y = (float)((int8_t)q[i] - t->zeropoint.data[0]) * t->scale.data[0];
    const float d = y > ref[i] ? y - ref[i] : ref[i] - y;
    if (d > 0.5f * t->scale.data[0]) return 0;
  }
  return 1;
}

typedef struct {
  int32_t starts, stops, last_node, in_order, buffers_match;
} events;

static void on_event(void *cookie, const stai_event_type type, const void *payload) {
  events *e = (events *)cookie;
  const stai_event_node_start_stop *ev = (const stai_event_node_start_stop *)payload;
  /* network_details.h describes the same node: its tensors are the event's buffers */
  const stai_node_details *d = &kws_details.nodes[ev->node_id];
  const stai_array_s32 *ts = type == STAI_EVENT_NODE_START ? &d->input_tensors : &d->output_tensors;
  if (d->id != ev->node_id || ts->size != ev->buffers.size) e->buffers_match = 0;
  if (type == STAI_EVENT_NODE_START) {
    if (ev->node_id != e->last_node + 1) e->in_order = 0;
    e->last_node = ev->node_id;
    ++e->starts;
  } else if (type == STAI_EVENT_NODE_STOP) {
    if (ev->node_id != e->last_node) e->in_order = 0;
    ++e->stops;
  }
}

static int run_seed(stai_network *net, const stai_network_info *info) {
  stai_ptr in[STAI_NETWORK_IN_NUM], out[STAI_NETWORK_OUT_NUM];
  stai_size n = 0;
  if (stai_network_get_inputs(net, in, &n) != STAI_SUCCESS || n != STAI_NETWORK_IN_NUM) return 0;
  if (stai_network_get_outputs(net, out, &n) != STAI_SUCCESS || n != STAI_NETWORK_OUT_NUM) return 0;
  quantize(&info->inputs[0], seed_input, in[0], STAI_NETWORK_IN_1_SIZE);
  if (stai_network_run(net, STAI_MODE_SYNC) != STAI_SUCCESS) return 0;
  return matches(&info->outputs[0], out[0], seed_output, STAI_NETWORK_OUT_1_SIZE);
}

static int run_kws(stai_network *net, const stai_network_info *info) {
  stai_ptr in[STAI_KWS_IN_NUM], out[STAI_KWS_OUT_NUM];
  stai_size n = 0;
  if (stai_kws_get_inputs(net, in, &n) != STAI_SUCCESS || n != STAI_KWS_IN_NUM) return 0;
  if (stai_kws_get_outputs(net, out, &n) != STAI_SUCCESS || n != STAI_KWS_OUT_NUM) return 0;
  quantize(&info->inputs[0], kws_input, in[0], STAI_KWS_IN_1_SIZE);
  if (stai_kws_run(net, STAI_MODE_SYNC) != STAI_SUCCESS) return 0;
  return matches(&info->outputs[0], out[0], kws_output, STAI_KWS_OUT_1_SIZE);
}

int app_main(void) {
  stai_network_info seed_info, kws_info;
  stai_runtime_info rt;
  stai_ptr act[1], w[1], ptrs[4];
  stai_size n = 0;
  events ev = {0, 0, -1, 1, 1};

  app_expect(stai_runtime_init() == STAI_SUCCESS, "stai_runtime_init");
  app_expect(stai_runtime_get_info(&rt) == STAI_SUCCESS && rt.api_version.major == 1, "stai_runtime_get_info");

  /* both networks set up before either runs: nothing is shared between them */
  app_expect(stai_network_get_context_size() == STAI_NETWORK_CONTEXT_SIZE, "get_context_size");
  app_expect(stai_network_init(seed_ctx) == STAI_SUCCESS, "seed init");
  app_expect(stai_kws_init(kws_ctx) == STAI_SUCCESS, "kws init");
  act[0] = seed_act;
  app_expect(stai_network_set_activations(seed_ctx, act, STAI_NETWORK_ACTIVATIONS_NUM) == STAI_SUCCESS, "seed activations");
  act[0] = kws_act;
  app_expect(stai_kws_set_activations(kws_ctx, act, STAI_KWS_ACTIVATIONS_NUM) == STAI_SUCCESS, "kws activations");
  app_expect(stai_network_get_info(seed_ctx, &seed_info) == STAI_SUCCESS, "seed get_info");
  app_expect(stai_kws_get_info(kws_ctx, &kws_info) == STAI_SUCCESS, "kws get_info");

  /* the info agrees with the header macros */
  app_expect(seed_info.n_inputs == STAI_NETWORK_IN_NUM && seed_info.n_outputs == STAI_NETWORK_OUT_NUM, "info I/O count");
  app_expect(seed_info.inputs[0].size_bytes == STAI_NETWORK_IN_1_SIZE_BYTES, "info input bytes");
  app_expect(seed_info.inputs[0].format == STAI_NETWORK_IN_1_FORMAT, "info input format");
  app_expect(STAI_FORMAT_GET_BITS(seed_info.inputs[0].format) == 8 && STAI_FORMAT_GET_TYPE(seed_info.inputs[0].format) == STAI_FORMAT_TYPE_Q, "format fields");
  app_expect(seed_info.n_nodes == STAI_NETWORK_NODES_NUM && seed_info.n_macc == STAI_NETWORK_MACC_NUM, "info nodes/macc");
  app_expect(seed_info.n_states == STAI_NETWORK_STATES_NUM && seed_info.n_activations == STAI_NETWORK_ACTIVATIONS_NUM, "info buffers");
  app_expect(seed_info.activations[0].size_bytes == STAI_NETWORK_ACTIVATIONS_SIZE_BYTES, "info activations");
  app_expect(seed_info.weights[0].size_bytes == STAI_NETWORK_WEIGHTS_SIZE_BYTES, "info weights");
  app_expect(seed_info.inputs[0].scale.size == 1 && seed_info.inputs[0].scale.data[0] == STAI_NETWORK_IN_1_SCALE, "info scale");
  app_expect((STAI_NETWORK_FLAGS & STAI_FLAG_INPUTS) != 0 && (STAI_NETWORK_IN_1_FLAGS & STAI_FLAG_HAS_BATCH) != 0, "flags");
  app_expect(STAI_KWS_IN_1_BATCH == 1 && STAI_KWS_IN_1_CHANNEL * STAI_KWS_IN_1_HEIGHT * STAI_KWS_IN_1_WIDTH == STAI_KWS_IN_1_SIZE, "kws dims");
  {
    stai_size k, elems = 1;
    for (k = 0; k < kws_info.inputs[0].shape.size; ++k) elems *= (stai_size)kws_info.inputs[0].shape.data[k];
    app_expect(elems == STAI_KWS_IN_1_SIZE, "kws info shape");
  }

  /* the reference outputs, interleaved */
  app_expect(run_seed(seed_ctx, &seed_info), "seed output");
  app_expect(run_kws(kws_ctx, &kws_info), "kws output");
  app_expect(run_seed(seed_ctx, &seed_info), "seed output again");

  /* a callback sees every node, in order, before and after it runs */
  app_expect(stai_kws_set_callback(kws_ctx, on_event, &ev) == STAI_SUCCESS, "set_callback");
  app_expect(run_kws(kws_ctx, &kws_info), "kws output with callback");
  app_expect(ev.starts == STAI_KWS_NODES_NUM && ev.stops == STAI_KWS_NODES_NUM && ev.in_order, "callback events");
  app_expect(ev.buffers_match && kws_details.n_nodes == STAI_KWS_NODES_NUM, "events match network_details.h");
  app_expect(ev.stops > 0 && ev.last_node == STAI_KWS_NODES_NUM - 1, "last node");
  app_expect(stai_kws_set_callback(kws_ctx, NULL, NULL) == STAI_SUCCESS, "clear callback");
  app_expect(run_kws(kws_ctx, &kws_info) && ev.starts == STAI_KWS_NODES_NUM, "no events once cleared");

  /* weights moved to RAM: the network reads them there */
  app_expect(stai_network_get_weights(seed_ctx, w, &n) == STAI_SUCCESS && n == STAI_NETWORK_WEIGHTS_NUM, "get_weights");
  memcpy(seed_weights_ram, w[0], STAI_NETWORK_WEIGHTS_SIZE_BYTES);
  ptrs[0] = seed_weights_ram;
  app_expect(stai_network_set_weights(seed_ctx, ptrs, 1) == STAI_SUCCESS, "set_weights");
  app_expect(run_seed(seed_ctx, &seed_info), "seed output, weights in RAM");
  memset(seed_weights_ram, 0, sizeof seed_weights_ram);
  app_expect(!run_seed(seed_ctx, &seed_info), "zeroed RAM weights change the output");
  app_expect(stai_network_set_weights(seed_ctx, w, 1) == STAI_SUCCESS, "flash weights back");
  app_expect(run_seed(seed_ctx, &seed_info), "seed output, flash weights");

  /* the application's own input buffer */
  ptrs[0] = seed_own_input;
  app_expect(stai_network_set_inputs(seed_ctx, ptrs, 1) == STAI_SUCCESS, "set_inputs");
  app_expect(run_seed(seed_ctx, &seed_info), "seed output, own input buffer");

  /* no states: get_states says 0 */
  n = 99;
  app_expect(stai_network_get_states(seed_ctx, ptrs, &n) == STAI_SUCCESS && n == STAI_NETWORK_STATES_NUM && n == 0, "get_states");
  n = 0;
  app_expect(stai_network_get_activations(seed_ctx, ptrs, &n) == STAI_SUCCESS && n == 1 && ptrs[0] == seed_act, "get_activations");

  /* the first error sticks */
  app_expect(stai_kws_set_inputs(kws_ctx, ptrs, 7) == STAI_ERROR_NETWORK_INVALID_IN_NUM, "bad input count");
  app_expect(stai_kws_get_error(kws_ctx) == STAI_ERROR_NETWORK_INVALID_IN_NUM, "get_error");
  app_expect(stai_kws_run(kws_ctx, STAI_MODE_SYNC) == STAI_ERROR_NETWORK_INVALID_IN_NUM, "error sticks");
  app_expect(stai_network_get_error(seed_ctx) == STAI_SUCCESS, "the other network is not affected");

  app_expect(stai_network_deinit(seed_ctx) == STAI_SUCCESS && stai_kws_deinit(kws_ctx) == STAI_SUCCESS, "deinit");
  app_expect(stai_network_run(seed_ctx, STAI_MODE_SYNC) == STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE, "no run after deinit");
  app_expect(stai_runtime_deinit() == STAI_SUCCESS, "stai_runtime_deinit");
  app_print(app_failures() == 0 ? "st-ai app: PASS\n" : "st-ai app: FAILED\n");
  return app_failures();
}
