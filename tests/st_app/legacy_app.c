/* An application written only against ST's documented legacy embedded client API (ai_<name>_*,
 * ai_buffer, the AI_<NAME>_* macros of <name>.h and <name>_data.h): two networks generated with
 * --c-api legacy, "network" (the seed model, its I/O inside the activations) and "kws" (generated
 * with --no-inputs-allocation --no-outputs-allocation: the application's I/O buffers).
 * Compiles as C99 and as C++. The platform gives app_print() and the reference data (refs.h). */
#include <string.h>

#include "app.h"
#include "kws.h"
#include "kws_data.h"
#include "network.h"
#include "network_data.h"
#include "refs.h"

AI_ALIGNED(32) static ai_u8 seed_activations[AI_NETWORK_DATA_ACTIVATIONS_SIZE];
AI_ALIGNED(32) static ai_u8 kws_activations[AI_KWS_DATA_ACTIVATIONS_SIZE];
AI_ALIGNED(32) static ai_u8 seed_weights_ram[AI_NETWORK_DATA_WEIGHTS_SIZE];
AI_ALIGNED(32) static ai_i8 kws_in_data[AI_KWS_IN_1_SIZE_BYTES];
AI_ALIGNED(32) static ai_i8 kws_out_data[AI_KWS_OUT_1_SIZE_BYTES];
AI_ALIGNED(32) static ai_i8 seed_batch_in[2 * AI_NETWORK_IN_1_SIZE_BYTES];
AI_ALIGNED(32) static ai_i8 seed_batch_out[2 * AI_NETWORK_OUT_1_SIZE_BYTES];

/* float -> the buffer's int8 codes, with the scale and zero point of its meta info */
static void quantize(const ai_buffer *b, const float *x, ai_i8 *q) {
  const ai_float scale = AI_BUFFER_META_INFO_INTQ_GET_SCALE(b->meta_info, 0);
  const ai_i32 zp = AI_BUFFER_META_INFO_INTQ_GET_ZEROPOINT(b->meta_info, 0);
  ai_size i;
  for (i = 0; i < AI_BUFFER_SIZE(b); ++i) {
    ai_i32 v = app_round_even(x[i] / scale) + zp;
    if (v < -128) v = -128;
    if (v > 127) v = 127;
    q[i] = (ai_i8)v;
  }
}

/* the dequantized output against the reference: the same int8 code (within half a step) */
static int matches(const ai_buffer *b, const ai_i8 *q, const float *ref) {
  const ai_float scale = AI_BUFFER_META_INFO_INTQ_GET_SCALE(b->meta_info, 0);
  const ai_i32 zp = AI_BUFFER_META_INFO_INTQ_GET_ZEROPOINT(b->meta_info, 0);
  ai_size i;
  for (i = 0; i < AI_BUFFER_SIZE(b); ++i) {
    const float y = (float)(q[i] - zp) * scale;
    const float d = y > ref[i] ? y - ref[i] : ref[i] - y;
    if (d > 0.5f * scale) return 0;
  }
  return 1;
}

/* the documented way: write the input where inputs_get says, run, read where outputs_get says */
static int run_seed(ai_handle net) {
  ai_buffer *in = ai_network_inputs_get(net, NULL);
  ai_buffer *out = ai_network_outputs_get(net, NULL);
  if (in == NULL || out == NULL || in[0].data == NULL || out[0].data == NULL) return 0;
  quantize(&in[0], seed_input, AI_BUFFER_DATA(&in[0], ai_i8));
  if (ai_network_run(net, &in[0], &out[0]) != 1) return 0;
  return matches(&out[0], AI_BUFFER_DATA(&out[0], ai_i8), seed_output);
}

static void check_report(ai_handle net) {
  ai_network_report report;
  app_expect(ai_network_get_report(net, &report), "get_report");
  app_expect(report.n_inputs == AI_NETWORK_IN_NUM && report.n_outputs == AI_NETWORK_OUT_NUM, "report I/O count");
  app_expect(report.n_nodes == AI_NETWORK_N_NODES && report.n_macc > 0, "report nodes/macc");
  app_expect(strcmp(report.model_name, AI_NETWORK_MODEL_NAME) == 0, "report model name");
  app_expect(report.map_activations.size == AI_NETWORK_DATA_ACTIVATIONS_COUNT &&
             report.map_activations.buffer[0].data == (ai_handle)seed_activations,
         "report activations");
  app_expect(AI_BUFFER_BYTE_SIZE(AI_BUFFER_SIZE(&report.map_activations.buffer[0]), report.map_activations.buffer[0].format) ==
             AI_NETWORK_DATA_ACTIVATIONS_SIZE,
         "report activations size");
  app_expect(report.map_weights.size == AI_NETWORK_DATA_WEIGHTS_COUNT, "report weights");
  app_expect(report.inputs[0].format == AI_NETWORK_IN_1_FORMAT, "report input format");
}

static void check_descriptors(ai_handle net) {
  ai_u16 n = 0;
  const ai_buffer *in = ai_network_inputs_get(net, &n);
  const ai_buffer *out;
  app_expect(in != NULL && n == AI_NETWORK_IN_NUM, "inputs_get");
  app_expect(AI_BUFFER_FMT_GET_TYPE(in[0].format) == AI_BUFFER_FMT_TYPE_Q && AI_BUFFER_FMT_GET_BITS(in[0].format) == 8 &&
             AI_BUFFER_FMT_GET_SIGN(in[0].format) == 1,
         "input format fields");
  app_expect(AI_BUFFER_FORMAT(&in[0]) == AI_BUFFER_FORMAT_S8, "input format");
  app_expect(AI_BUFFER_SIZE(&in[0]) == AI_NETWORK_IN_1_SIZE, "input size");
  app_expect(AI_BUFFER_BYTE_SIZE(AI_BUFFER_SIZE(&in[0]), in[0].format) == AI_NETWORK_IN_1_SIZE_BYTES, "input bytes");
  app_expect(AI_BUFFER_N_BATCHES(&in[0]) == 1, "input batch");
  app_expect(AI_BUFFER_META_INFO_INTQ_GET_SIZE(in[0].meta_info) == 1 && AI_BUFFER_META_INFO_INTQ_GET_SCALE(in[0].meta_info, 0) > 0.0f,
         "input quantization");
#ifdef AI_NETWORK_INPUTS_IN_ACTIVATIONS
  app_expect((const ai_u8 *)in[0].data >= seed_activations &&
             (const ai_u8 *)in[0].data + AI_NETWORK_IN_1_SIZE_BYTES <= seed_activations + AI_NETWORK_DATA_ACTIVATIONS_SIZE,
         "input inside the activations");
#else
  app_expect(0, "AI_NETWORK_INPUTS_IN_ACTIVATIONS");
#endif
  out = ai_network_outputs_get(net, &n);
  app_expect(out != NULL && n == AI_NETWORK_OUT_NUM && AI_BUFFER_SIZE(&out[0]) == AI_NETWORK_OUT_1_SIZE, "outputs_get");
}

/* kws: generated with --no-inputs/outputs-allocation: the application's buffers */
static void kws_app_buffers(void) {
  ai_handle kws = AI_HANDLE_NULL;
  const ai_handle acts[] = {kws_activations};
  ai_buffer *in, *out;
  ai_error err = ai_kws_create_and_init(&kws, acts, NULL);
  app_expect(err.type == AI_ERROR_NONE && kws != AI_HANDLE_NULL, "kws create_and_init");
#ifdef AI_KWS_INPUTS_IN_ACTIVATIONS
  app_expect(0, "kws: inputs not in the activations");
#endif
  in = ai_kws_inputs_get(kws, NULL);
  out = ai_kws_outputs_get(kws, NULL);
  app_expect(in[0].data == NULL && out[0].data == NULL, "kws: no I/O buffers of its own");
  in[0].data = AI_HANDLE_PTR(kws_in_data);
  out[0].data = AI_HANDLE_PTR(kws_out_data);
  quantize(&in[0], kws_input, kws_in_data);
  app_expect(ai_kws_run(kws, &in[0], &out[0]) == 1, "kws run");
  app_expect(matches(&out[0], kws_out_data, kws_output), "kws output");
  app_expect(ai_kws_get_error(kws).type == AI_ERROR_NONE, "kws no error");
  app_expect(ai_kws_destroy(kws) == AI_HANDLE_NULL, "kws destroy");
}

/* two batch items in the application's buffers: one run call, both outputs the reference */
static void seed_batch(ai_handle net) {
  ai_buffer in = ai_network_inputs_get(net, NULL)[0], out = ai_network_outputs_get(net, NULL)[0];
  ai_shape_dimension in_dims[8], out_dims[8];
  ai_u32 k;
  for (k = 0; k < in.shape.size && k < 8; ++k) in_dims[k] = in.shape.data[k];
  for (k = 0; k < out.shape.size && k < 8; ++k) out_dims[k] = out.shape.data[k];
  in.shape.data = in_dims;
  out.shape.data = out_dims;
  quantize(&in, seed_input, seed_batch_in); /* one item, then the same input again */
  memcpy(seed_batch_in + AI_NETWORK_IN_1_SIZE_BYTES, seed_batch_in, AI_NETWORK_IN_1_SIZE_BYTES);
  AI_BUFFER_SET_SHAPE_ELEM(&in, AI_SHAPE_BATCH, 2);
  AI_BUFFER_SET_SHAPE_ELEM(&out, AI_SHAPE_BATCH, 2);
  in.data = AI_HANDLE_PTR(seed_batch_in);
  out.data = AI_HANDLE_PTR(seed_batch_out);
  app_expect(ai_network_run(net, &in, &out) == 2, "batch of 2");
  AI_BUFFER_SET_SHAPE_ELEM(&out, AI_SHAPE_BATCH, 1);
  app_expect(matches(&out, seed_batch_out, seed_output), "batch item 1");
  app_expect(matches(&out, seed_batch_out + AI_NETWORK_OUT_1_SIZE_BYTES, seed_output), "batch item 2");
}

int app_main(void) {
  ai_handle net = AI_HANDLE_NULL, other = AI_HANDLE_NULL;
  ai_network_params params;
  ai_error err;
  const ai_handle acts[] = {AI_HANDLE_PTR(seed_activations)};

  /* the descriptors are there before create */
  app_expect(ai_network_inputs_get(AI_HANDLE_NULL, NULL) != NULL && AI_NETWORK_IN[0].size == AI_NETWORK_IN_1_SIZE,
         "descriptors before create");

  err = ai_network_create_and_init(&net, acts, NULL);
  app_expect(err.type == AI_ERROR_NONE && net != AI_HANDLE_NULL, "create_and_init");
  check_report(net);
  check_descriptors(net);
  app_expect(run_seed(net), "seed output");
  kws_app_buffers();
  app_expect(run_seed(net), "seed output after kws");
  seed_batch(net);
  app_expect(run_seed(net), "seed output after the batch");

  /* one instance: a second create fails until destroy */
  err = ai_network_create(&other, AI_NETWORK_DATA_CONFIG);
  app_expect(err.type == AI_ERROR_CREATE_FAILED, "second create refused");
  app_expect(ai_network_get_error(net).type == AI_ERROR_NONE, "no error so far");
  app_expect(ai_network_destroy(net) == AI_HANDLE_NULL, "destroy");
  app_expect(ai_network_run(net, ai_network_inputs_get(AI_HANDLE_NULL, NULL), ai_network_outputs_get(AI_HANDLE_NULL, NULL)) == 0,
         "no run after destroy");
  app_expect(ai_network_get_error(net).type == AI_ERROR_INVALID_HANDLE, "destroyed handle");

  /* create + init with the data params: activations set by address, weights copied to RAM */
  err = ai_network_create(&net, AI_NETWORK_DATA_CONFIG);
  app_expect(err.type == AI_ERROR_NONE, "create");
  app_expect(ai_network_data_params_get(&params), "data_params_get");
  memcpy(seed_weights_ram, ai_network_data_weights_get(), AI_NETWORK_DATA_WEIGHTS_SIZE);
  app_expect(AI_BUFFER_ARRAY_ITEM_SET_ADDRESS(&params.map_activations, 0, seed_activations), "set activations address");
  app_expect(AI_BUFFER_ARRAY_ITEM_SET_ADDRESS(&params.map_weights, 0, seed_weights_ram), "set weights address");
  app_expect(ai_network_init(net, &params), "init");
  app_expect(run_seed(net), "seed output, weights in RAM");
  memset(seed_weights_ram, 0, sizeof seed_weights_ram);
  app_expect(!run_seed(net), "zeroed RAM weights change the output");

  /* errors: the first one is kept */
  {
    ai_buffer bad = ai_network_inputs_get(net, NULL)[0];
    bad.data = NULL;
    app_expect(ai_network_run(net, &bad, ai_network_outputs_get(net, NULL)) == 0, "run without input data");
    err = ai_network_get_error(net);
    app_expect(err.type == AI_ERROR_INVALID_INPUT && err.code == AI_ERROR_CODE_INVALID_PTR, "input error");
    bad = ai_network_inputs_get(net, NULL)[0];
    bad.format = AI_BUFFER_FORMAT_FLOAT;
    app_expect(ai_network_run(net, &bad, ai_network_outputs_get(net, NULL)) == 0, "run with a wrong format");
    app_expect(ai_network_get_error(net).code == AI_ERROR_CODE_INVALID_PTR, "the first error is kept");
  }
  app_expect(ai_network_destroy(net) == AI_HANDLE_NULL, "destroy again");
  app_print(app_failures() == 0 ? "legacy app: PASS\n" : "legacy app: FAILED\n");
  return app_failures();
}
