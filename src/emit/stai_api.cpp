#include "emit/stai_api.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "ops/emit_context.h"
#include "util/c_text.h"

namespace eg::emit {

Dims dims_of(const ApiTensor& t) {
  Dims d;
  const auto& s = t.shape;
  d.rank = s.size();
  if (s.empty()) return d;
  if (s.size() == 1) {
    d.channel = s[0];
    return d;
  }
  d.has_batch = true;
  d.batch = s[0];
  d.rank = s.size() - 1;
  if (s.size() == 2) {
    d.channel = s[1];
  } else if (t.channel_last) {
    d.channel = s.back();
    if (s.size() >= 4) d.height = s[s.size() - 3];
    d.width = s[s.size() - 2];
  } else {
    d.channel = s[1];
    if (s.size() >= 4) d.height = s[s.size() - 2];
    d.width = s.back();
  }
  return d;
}

size_t regions_of(const ApiModel& m) { return std::max<size_t>(m.regions.size(), 1); }

std::string hex64(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string stai_format(DType t) {
  switch (t) {
    case DType::F32: return "STAI_FORMAT_FLOAT32";
    case DType::I8: return "STAI_FORMAT_S8";
    case DType::U8: return "STAI_FORMAT_U8";
    case DType::I16: return "STAI_FORMAT_S16";
    case DType::U16: return "STAI_FORMAT_U16";
    case DType::I32: return "STAI_FORMAT_S32";
    case DType::U32: return "STAI_FORMAT_U32";
    case DType::I64: return "STAI_FORMAT_S64";
    case DType::Bool: return "STAI_FORMAT_BOOL";
    default: return "STAI_FORMAT_NONE";
  }
}

namespace {

std::string list(const std::vector<std::string>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "}";
}
template <class T>
std::string num_list(const std::vector<T>& v) {
  std::vector<std::string> s;
  for (const auto& x : v) s.push_back(std::to_string(x));
  return list(s);
}

std::string tensor_flags(const ApiTensor& t) {
  const Dims d = dims_of(t);
  std::string f = t.in_app ? "STAI_FLAG_REPLACEABLE" : "STAI_FLAG_PREALLOCATED|STAI_FLAG_REPLACEABLE";
  f += t.shape.size() >= 3 && !t.channel_last ? "|STAI_FLAG_CHANNEL_FIRST" : "|STAI_FLAG_CHANNEL_LAST";
  if (d.has_batch) f += "|STAI_FLAG_HAS_BATCH";
  return "(" + f + ")";
}

void io_macros(std::ostringstream& h, const ApiModel& m, const char* kind, const std::vector<ApiTensor>& ts) {
  const std::string K = "STAI_" + m.P + "_" + kind;
  size_t total = 0;
  std::vector<std::string> aligns, names, formats, sizes, bytes;
  for (size_t k = 0; k < ts.size(); ++k) {
    total += ts[k].bytes;
    aligns.push_back(std::to_string(m.activations_alignment));
    names.push_back(K + "_" + std::to_string(k + 1) + "_NAME");
    formats.push_back(stai_format(ts[k].dtype));
    sizes.push_back(std::to_string(ts[k].bytes / std::max<size_t>(dtype_size(ts[k].dtype), 1)));
    bytes.push_back(std::to_string(ts[k].bytes));
  }
  if (ts.empty()) aligns = names = formats = sizes = bytes = {"0"};
  h << "#define " << K << "_NUM " << ts.size() << "\n"
    << "#define " << K << "_SIZE_BYTES " << total << "\n"
    << "#define " << K << "_ALIGNMENTS " << list(aligns) << "\n"
    << "#define " << K << "_NAMES " << list(names) << "\n"
    << "#define " << K << "_FORMATS " << list(formats) << "\n"
    << "#define " << K << "_SIZES " << list(sizes) << "\n"
    << "#define " << K << "_SIZES_BYTES " << list(bytes) << "\n\n";
  for (size_t k = 0; k < ts.size(); ++k) {
    const ApiTensor& t = ts[k];
    const Dims d = dims_of(t);
    const std::string p = K + "_" + std::to_string(k + 1);
    h << "#define " << p << "_NAME " << text::c_string_literal(t.name) << "\n"
      << "#define " << p << "_ALIGNMENT " << m.activations_alignment << "\n"
      << "#define " << p << "_FLAGS " << tensor_flags(t) << "\n"
      << "#define " << p << "_FORMAT " << stai_format(t.dtype) << "\n"
      << "#define " << p << "_SHAPE " << EmitContext::ints_lit(t.shape.empty() ? std::vector<int64_t>{1} : t.shape)
      << "\n";
    if (d.has_batch) h << "#define " << p << "_BATCH " << d.batch << "\n";
    if (d.channel >= 0) h << "#define " << p << "_CHANNEL " << d.channel << "\n";
    if (d.height >= 0) h << "#define " << p << "_HEIGHT " << d.height << "\n";
    if (d.width >= 0) h << "#define " << p << "_WIDTH " << d.width << "\n";
    h << "#define " << p << "_RANK " << d.rank << "\n"
      << "#define " << p << "_SIZE " << sizes[k] << "\n"
      << "#define " << p << "_SIZE_BYTES " << t.bytes << "\n";
    if (!t.scale.empty())
      h << "#define " << p << "_SCALE (" << EmitContext::float_lit(t.scale[0]) << ")\n"
        << "#define " << p << "_ZERO_POINT (" << (t.zero_point.empty() ? 0 : t.zero_point[0]) << ")\n";
    h << "\n";
  }
}

void buffer_macros(std::ostringstream& h, const std::string& K, const std::string& one, size_t num,
                   const std::vector<size_t>& sizes, size_t align, const std::string& flags) {
  size_t total = 0;
  std::vector<std::string> aligns, each;
  for (size_t b : sizes) {
    total += b;
    aligns.push_back(std::to_string(align));
    each.push_back(std::to_string(b));
  }
  h << "#define " << K << "_NUM " << num << "\n"
    << "#define " << K << "_SIZE " << total << "\n"
    << "#define " << K << "_SIZE_BYTES " << total << "\n"
    << "#define " << K << "_ALIGNMENTS " << list(aligns) << "\n"
    << "#define " << K << "_SIZES " << list(each) << "\n";
  for (size_t k = 0; k < sizes.size(); ++k) {
    const std::string p = one + "_" + std::to_string(k + 1);
    h << "#define " << p << "_FLAGS " << flags << "\n"
      << "#define " << p << "_SIZE " << sizes[k] << "\n"
      << "#define " << p << "_SIZE_BYTES " << sizes[k] << "\n"
      << "#define " << p << "_ALIGNMENT " << align << "\n";
  }
  h << "\n";
}


// The application's pointer to activations buffer r, in the context.
std::string act_slot(int region, size_t offset) {
  return "ctx->act[" + std::to_string(region) + "] + " + std::to_string(offset);
}

// Words of the context: magic/error/flags, callback + cookie, activations, weights, states, I/O.
size_t context_words(const ApiModel& m) {
  return 2 + 2 + regions_of(m) + 1 + 1 + std::max<size_t>(m.inputs.size(), 1) + std::max<size_t>(m.outputs.size(), 1);
}

std::string network_flags(const ApiModel& m) {
  auto allocated = [](const std::vector<ApiTensor>& ts) {
    for (const auto& t : ts)
      if (t.in_app) return false;
    return true;
  };
  return std::string(allocated(m.inputs) ? "STAI_FLAG_INPUTS|" : "") + (allocated(m.outputs) ? "STAI_FLAG_OUTPUTS|" : "") +
         "STAI_FLAG_WEIGHTS";
}


}  // namespace

std::string api_macros(const ApiModel& m) {
  std::ostringstream h;
  const std::string S = "STAI_" + m.P;
  h << "#define " << S << "_MODEL_NAME \"" << m.name << "\"\n"
    << "#define " << S << "_ORIGIN_MODEL_NAME " << text::c_string_literal(m.model_name) << "\n"
    << "#define " << S << "_MODEL_SIGNATURE (" << hex64(m.signature) << "ULL)\n\n"
    << "/* the context: STAI_ALIGNED(" << S << "_CONTEXT_ALIGNMENT) stai_network ctx[" << S << "_CONTEXT_SIZE] */\n"
    << "#define " << S << "_CONTEXT_ALIGNMENT 8\n"
    << "#define " << S << "_CONTEXT_SIZE " << 8 * context_words(m) << "\n\n"
    << "/* which buffers the network allocates: inputs/outputs in the activations, weights in flash */\n"
    << "#define " << S << "_FLAGS (" << network_flags(m) << ")\n"
    << "#define " << S << "_NODES_NUM " << m.nodes << "\n"
    << "#define " << S << "_MACC_NUM " << m.macc << "\n\n";
  io_macros(h, m, "IN", m.inputs);
  io_macros(h, m, "OUT", m.outputs);
  if (m.regions.size() > 1) {
    h << "/* --memory-pool: one activations buffer per RAM region, fastest first:";
    for (size_t r = 0; r < m.regions.size(); ++r)
      h << (r ? "," : "") << " " << r + 1 << " = " << text::c_comment_text(m.region_names[r]) << " (" << m.regions[r] << " B)";
    h << " */\n";
  }
  buffer_macros(h, S + "_ACTIVATIONS", S + "_ACTIVATION", regions_of(m),
                m.regions.empty() ? std::vector<size_t>{m.activations_bytes} : m.regions, m.activations_alignment,
                "(STAI_FLAG_ACTIVATIONS)");
  buffer_macros(h, S + "_WEIGHTS", S + "_WEIGHT", 1, {m.weights_bytes}, m.weights_alignment,
                "(STAI_FLAG_PREALLOCATED|STAI_FLAG_REPLACEABLE)");
  if (m.stateful)
    h << "/* Stateful network: each state output is fed back as its input at the next run, in one\n"
      << "   persistent states buffer (set it once; stai_" << m.name << "_reset_states() zeroes it). */\n";
  buffer_macros(h, S + "_STATES", S + "_STATE", m.stateful ? 1 : 0, {m.states_bytes}, m.states_alignment,
                m.stateful ? "(STAI_FLAG_STATES)" : "(STAI_FLAG_NONE)");
  return h.str();
}

std::string api_prototypes(const ApiModel& m) {
  const std::string f = "stai_return_code stai_" + m.name;
  std::ostringstream h;
  h << "STAI_API_DECLARE_BEGIN\n\n"
    << f << "_init(stai_network *network);\n"
    << f << "_deinit(stai_network *network);\n"
    << "/* STAI_MODE_SYNC only: the inference ends before the call returns. */\n"
    << f << "_run(stai_network *network, const stai_run_mode mode);\n"
    << "stai_size stai_" << m.name << "_get_context_size(void);\n"
    << f << "_get_info(stai_network *network, stai_network_info *info);\n"
    << "/* The first error of the context (STAI_SUCCESS if none): every later call returns it too. */\n"
    << f << "_get_error(stai_network *network);\n"
    << f << "_get_activations(stai_network *network, stai_ptr *activations, stai_size *n_activations);\n"
    << f << "_get_weights(stai_network *network, stai_ptr *weights, stai_size *n_weights);\n"
    << f << "_get_inputs(stai_network *network, stai_ptr *inputs, stai_size *n_inputs);\n"
    << f << "_get_outputs(stai_network *network, stai_ptr *outputs, stai_size *n_outputs);\n"
    << f << "_get_states(stai_network *network, stai_ptr *states, stai_size *n_states);\n"
    << "/* Also points the inputs and outputs back into the activations buffer. */\n"
    << f << "_set_activations(stai_network *network, const stai_ptr *activations, const stai_size n_activations);\n"
    << "/* The weights blob (STAI_" << m.P << "_WEIGHT_1_SIZE_BYTES) at another address, e.g. a RAM copy of what\n"
    << "   get_weights returns; the layers read it from there. */\n"
    << f << "_set_weights(stai_network *network, const stai_ptr *weights, const stai_size n_weights);\n"
    << "/* The application's own buffers: run copies an input in (and an output out) when it is not the\n"
    << "   network's own slot. */\n"
    << f << "_set_inputs(stai_network *network, const stai_ptr *inputs, const stai_size n_inputs);\n"
    << f << "_set_outputs(stai_network *network, const stai_ptr *outputs, const stai_size n_outputs);\n"
    << "/* A stateful network's states buffer (STAI_" << m.P << "_STATES_NUM of them); set_states does not clear it. */\n"
    << f << "_set_states(stai_network *network, const stai_ptr *states, const stai_size n_states);\n"
    << "/* Zeroes every state (the start of a new stream). */\n"
    << f << "_reset_states(stai_network *network);\n"
    << "/* cb(cookie, STAI_EVENT_NODE_START / _STOP, const stai_event_node_start_stop *) around each node;\n"
    << "   NULL removes it. */\n"
    << f << "_set_callback(stai_network *network, const stai_event_cb cb, void *cb_cookie);\n\n"
    << "STAI_API_DECLARE_END\n";
  return h.str();
}

std::string forward_params(const ApiModel& m) {
  std::string p = "(" + m.name + "__context *eg_net";
  for (size_t r = 0; r < regions_of(m); ++r) p += ", uint8_t *" + BufferOffsets::buffer_name(static_cast<int>(r));
  return p + ", const uint8_t *" + kWeightsPtr + (m.stateful ? ", uint8_t *states" : "") + ")";
}
std::string forward_args(const ApiModel& m) {
  std::string a = "(eg_net";
  for (size_t r = 0; r < regions_of(m); ++r) a += ", " + BufferOffsets::buffer_name(static_cast<int>(r));
  return a + ", " + kWeightsPtr + (m.stateful ? ", states" : "") + ")";
}

std::string layer_hooks(const ApiModel& m) {
  const std::string ev = m.name + "__event", flag = m.name + "__EVENTS";
  std::ostringstream c;
  c << "/* Per-layer hooks: the callback of stai_" << m.name << "_set_callback (one pointer test per layer when\n"
    << "   none is set); a profiler may define its own (e.g. cycle counters). */\n"
    << "#ifndef EG_LAYER_BEGIN\n#define " << flag << " 1\n"
    << "#define EG_LAYER_BEGIN(id) do { if (eg_net->callback) " << ev << "(eg_net, STAI_EVENT_NODE_START, (id)); } while (0)\n"
    << "#endif\n#ifndef EG_LAYER_END\n#ifndef " << flag << "\n#define " << flag << " 1\n#endif\n"
    << "#define EG_LAYER_END(id) do { if (eg_net->callback) " << ev << "(eg_net, STAI_EVENT_NODE_STOP, (id)); } while (0)\n"
    << "#endif\n\n";
  return c.str();
}

std::string api_context(const ApiModel& m) {
  const std::string C = m.name + "__context", S = "STAI_" + m.P, n = m.name;
  const size_t ni = std::max<size_t>(m.inputs.size(), 1), no = std::max<size_t>(m.outputs.size(), 1);
  std::ostringstream c;
  c << "#define " << S << "__MAGIC 0x45474e32u\n\n"
    << "typedef struct {\n  uint32_t magic;\n  stai_return_code error; /* the first one */\n  stai_flags flags;\n"
    << "  stai_event_cb callback;\n  void *callback_cookie;\n  uint8_t *act[" << regions_of(m)
    << "];\n  const uint8_t *weights;\n"
    << "  uint8_t *states;\n  stai_ptr in[" << ni << "];\n  stai_ptr out[" << no << "];\n} " << C << ";\n\n"
    << "/* the opaque context must be large enough (compile-time check) */\n"
    << "typedef char " << n << "__context_fits[(sizeof(" << C << ") <= " << S << "_CONTEXT_SIZE) ? 1 : -1];\n\n";
  auto u32_table = [&](const std::string& id, const std::vector<size_t>& v) {
    c << "static const uint32_t " << n << "__" << id << "[" << std::max<size_t>(v.size(), 1) << "] = {";
    for (size_t k = 0; k < v.size(); ++k) c << (k ? ", " : "") << v[k] << "u";
    if (v.empty()) c << "0u";
    c << "};\n";
  };
  // get_info's tensors
  auto tensors = [&](const std::string& id, const std::vector<ApiTensor>& ts, const std::string& K) {
    for (size_t k = 0; k < ts.size(); ++k) {
      const std::string b = n + "__" + id + "_" + std::to_string(k + 1);
      std::vector<int64_t> shape = ts[k].shape.empty() ? std::vector<int64_t>{1} : ts[k].shape;
      c << "static const int32_t " << b << "_shape[" << shape.size() << "] = " << EmitContext::ints_lit(shape) << ";\n";
      if (!ts[k].scale.empty()) {
        std::vector<std::string> sc;
        for (float s : ts[k].scale) sc.push_back(EmitContext::float_lit(s));
        c << "static const float " << b << "_scale[" << sc.size() << "] = " << list(sc) << ";\n"
          << "static const int16_t " << b << "_zero_point[" << ts[k].zero_point.size() << "] = "
          << num_list(ts[k].zero_point) << ";\n";
      }
    }
    c << "static const stai_tensor " << n << "__" << id << "_tensors[" << std::max<size_t>(ts.size(), 1) << "] = {\n";
    for (size_t k = 0; k < ts.size(); ++k) {
      const std::string b = n + "__" + id + "_" + std::to_string(k + 1), p = K + "_" + std::to_string(k + 1);
      const size_t rank = std::max<size_t>(ts[k].shape.size(), 1);
      c << "  {" << ts[k].bytes << "u, " << p << "_FLAGS, " << p << "_FORMAT, {" << rank << "u, " << b << "_shape}, ";
      if (ts[k].scale.empty())
        c << "{0u, NULL}, {0u, NULL}, ";
      else
        c << "{" << ts[k].scale.size() << "u, " << b << "_scale}, {" << ts[k].zero_point.size() << "u, " << b
          << "_zero_point}, ";
      c << p << "_NAME}" << (k + 1 < ts.size() ? "," : "") << "\n";
    }
    if (ts.empty()) c << "  {0u, 0, STAI_FORMAT_NONE, {0u, NULL}, {0u, NULL}, {0u, NULL}, NULL}\n";
    c << "};\n";
  };
  tensors("in", m.inputs, S + "_IN");
  tensors("out", m.outputs, S + "_OUT");
  auto buffer = [&](const std::string& id, const std::string& one, const std::vector<size_t>& sizes) {
    for (size_t k = 0; k < sizes.size(); ++k)
      c << "static const int32_t " << n << "__" << id << "_shape_" << k + 1 << "[1] = {" << sizes[k] << "};\n";
    c << "static const stai_tensor " << n << "__" << id << "_tensors[" << sizes.size() << "] = {\n";
    for (size_t k = 0; k < sizes.size(); ++k)
      c << "  {" << sizes[k] << "u, " << one << "_" << k + 1 << "_FLAGS, STAI_FORMAT_U8, {1u, " << n << "__" << id
        << "_shape_" << k + 1 << "}, {0u, NULL}, {0u, NULL}, NULL}" << (k + 1 < sizes.size() ? "," : "") << "\n";
    c << "};\n";
  };
  buffer("activations", S + "_ACTIVATION", m.regions.empty() ? std::vector<size_t>{m.activations_bytes} : m.regions);
  buffer("weights", S + "_WEIGHT", {m.weights_bytes});
  if (m.stateful) buffer("states", S + "_STATE", {m.states_bytes});
  c << "static const stai_network_info " << n << "__info = {\n"
    << "  " << text::c_string_literal(hex64(m.signature)) << ", __DATE__ \" \" __TIME__, " << S
    << "_MODEL_NAME, \"\", " << static_cast<uint32_t>(m.signature) << "u,\n"
    << "  {1, 0, 0, 0}, {1, 0, 0, 0}, {STAI_API_VERSION_MAJOR, STAI_API_VERSION_MINOR, STAI_API_VERSION_MICRO, 0},\n"
    << "  " << m.macc << "u, " << S << "_NODES_NUM, " << S << "_FLAGS,\n"
    << "  " << S << "_IN_NUM, " << S << "_OUT_NUM, " << S << "_ACTIVATIONS_NUM, " << S << "_WEIGHTS_NUM, " << S
    << "_STATES_NUM,\n"
    << "  " << n << "__in_tensors, " << n << "__out_tensors, " << n << "__activations_tensors, " << n
    << "__weights_tensors, " << (m.stateful ? n + "__states_tensors" : std::string("NULL")) << "\n};\n\n";
  // the buffers each node's events show
  std::vector<size_t> in_first{0}, out_first{0};
  std::vector<uint32_t> bufs;
  size_t most = 1;
  for (size_t k = 0; k < m.nodes; ++k) {
    const auto& ins = k < m.node_inputs.size() ? m.node_inputs[k] : std::vector<uint32_t>{};
    const auto& outs = k < m.node_outputs.size() ? m.node_outputs[k] : std::vector<uint32_t>{};
    bufs.insert(bufs.end(), ins.begin(), ins.end());
    in_first.push_back(bufs.size());
    bufs.insert(bufs.end(), outs.begin(), outs.end());
    out_first.push_back(bufs.size());
    most = std::max({most, ins.size(), outs.size()});
  }
  c << "#ifdef " << n << "__EVENTS\n";
  std::vector<size_t> starts;  // node k: inputs [starts[2k], starts[2k+1]), outputs [starts[2k+1], starts[2k+2])
  size_t at = 0;
  for (size_t k = 0; k < m.nodes; ++k) {
    starts.push_back(at);
    at += (k < m.node_inputs.size() ? m.node_inputs[k].size() : 0);
    starts.push_back(at);
    at += (k < m.node_outputs.size() ? m.node_outputs[k].size() : 0);
  }
  starts.push_back(at);
  u32_table("node_buffers_first", starts);
  std::vector<size_t> b(bufs.begin(), bufs.end());
  u32_table("node_buffers", b);
  c << "\nstatic void " << n << "__event(" << C << " *ctx, stai_event_type type, int32_t node) {\n"
    << "  stai_ptr bufs[" << most << "];\n  stai_event_node_start_stop event;\n"
    << "  const uint32_t first = " << n << "__node_buffers_first[2 * node + (type == STAI_EVENT_NODE_STOP)];\n"
    << "  const uint32_t last = " << n << "__node_buffers_first[2 * node + (type == STAI_EVENT_NODE_STOP) + 1];\n"
    << "  uint32_t k;\n"
    << "  for (k = first; k < last; ++k) {\n"
    << "    const uint32_t at = " << n << "__node_buffers[k];\n"
    << "    bufs[k - first] = (at & 0x80000000u) ? ctx->states + (at & 0x7fffffffu)\n"
    << "                                         : ctx->act[at >> " << BufferOffsets::kRegionShift << "] + (at & 0x"
    << std::hex << ((1u << BufferOffsets::kRegionShift) - 1) << std::dec << "u);\n  }\n"
    << "  event.node_id = node;\n  event.buffers.size = last - first;\n  event.buffers.data = bufs;\n"
    << "  ctx->callback(ctx->callback_cookie, type, &event);\n}\n#endif\n\n";
  return c.str();
}

std::string api_functions(const ApiModel& m) {
  const std::string C = m.name + "__context", S = "STAI_" + m.P, n = m.name, F = "stai_return_code stai_" + m.name;
  const std::string get = "  " + C + " *ctx = " + n + "__ctx(network);\n" +
                          "  if (ctx == NULL) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n";
  auto fail = [&](const std::string& cond, const std::string& code) {
    return "  if (" + cond + ") return " + n + "__fail(ctx, " + code + ");\n";
  };
  auto aligned = [&](const std::string& p, const std::string& a) { return "((uintptr_t)(" + p + ") % " + a + ") != 0"; };
  std::ostringstream c;
  c << "static " << C << " *" << n << "__ctx(stai_network *network) {\n"
    << "  " << C << " *ctx = (" << C << " *)(void *)network;\n"
    << "  if (ctx == NULL || " << aligned("network", S + "_CONTEXT_ALIGNMENT") << " || ctx->magic != " << S
    << "__MAGIC) return NULL;\n  return ctx;\n}\n\n"
    << "static stai_return_code " << n << "__fail(" << C << " *ctx, stai_return_code code) {\n"
    << "  if (ctx->error == STAI_SUCCESS) ctx->error = code;\n  return code;\n}\n\n"
    << "/* inputs and outputs in their slots of the activations buffer */\n"
    << "static void " << n << "__default_io(" << C << " *ctx) {\n";
  for (bool out : {false, true}) {
    const auto& ts = out ? m.outputs : m.inputs;
    for (size_t k = 0; k < ts.size(); ++k)
      c << "  ctx->" << (out ? "out[" : "in[") << k << "] = "
        << (ts[k].in_app ? std::string("NULL; /* the application's buffer */") : act_slot(ts[k].region, ts[k].offset) + ";")
        << "\n";
  }
  if (m.inputs.empty() && m.outputs.empty()) c << "  (void)ctx;\n";
  c << "}\n\n";
  c << F << "_init(stai_network *network) {\n  " << C << " *ctx = (" << C << " *)(void *)network;\n"
    << "  if (network == NULL) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
    << "  if (" << aligned("network", S + "_CONTEXT_ALIGNMENT") << ") return STAI_ERROR_NETWORK_INVALID_CONTEXT_ALIGNMENT;\n"
    << "  memset(ctx, 0, sizeof(*ctx));\n  ctx->magic = " << S << "__MAGIC;\n  ctx->flags = " << S << "_FLAGS;\n"
    << "  ctx->weights = (const uint8_t *)&" << n << "__weights;\n  return STAI_SUCCESS;\n}\n\n"
    << F << "_deinit(stai_network *network) {\n" << get << "  memset(ctx, 0, sizeof(*ctx));\n  return STAI_SUCCESS;\n}\n\n"
    << "stai_size stai_" << n << "_get_context_size(void) { return (stai_size)" << S << "_CONTEXT_SIZE; }\n\n"
    << F << "_get_info(stai_network *network, stai_network_info *info) {\n" << get
    << fail("info == NULL", "STAI_ERROR_NETWORK_INVALID_INFO") << "  *info = " << n << "__info;\n  return ctx->error;\n}\n\n"
    << F << "_get_error(stai_network *network) {\n" << get << "  return ctx->error;\n}\n\n";
  // getters of one-pointer buffers and of the I/O arrays
  auto getter = [&](const std::string& what, const std::string& NUM, size_t count, const std::string& value) {
    c << F << "_get_" << what << "(stai_network *network, stai_ptr *" << what << ", stai_size *n_" << what << ") {\n"
      << get << fail("n_" + what + " == NULL", "STAI_ERROR_NETWORK_INVALID_API_ARGUMENTS")
      << "  *n_" << what << " = " << S << "_" << NUM << ";\n";
    if (count > 0)
      c << "  if (" << what << " != NULL) {\n    stai_size k;\n    for (k = 0; k < " << count << "u; ++k) " << what
        << "[k] = " << value << ";\n  }\n";
    else
      c << "  (void)" << what << ";\n";
    c << "  return ctx->error;\n}\n\n";
  };
  const size_t ni = m.inputs.size(), no = m.outputs.size(), ns = m.stateful ? 1 : 0;
  getter("activations", "ACTIVATIONS_NUM", regions_of(m), "ctx->act[k]");
  getter("weights", "WEIGHTS_NUM", 1, "(stai_ptr)(uintptr_t)ctx->weights");
  getter("inputs", "IN_NUM", ni, "ctx->in[k]");
  getter("outputs", "OUT_NUM", no, "ctx->out[k]");
  getter("states", "STATES_NUM", ns, "ctx->states");
  // setters
  auto setter = [&](const std::string& what, const std::string& NUM, size_t count, const std::string& err,
                    size_t align, const std::string& assign, const std::string& after) {
    c << F << "_set_" << what << "(stai_network *network, const stai_ptr *" << what << ", const stai_size n_" << what
      << ") {\n" << get << fail("n_" + what + " != " + S + "_" + NUM, "STAI_ERROR_NETWORK_INVALID_" + err + "_NUM");
    if (count > 0)
      c << "  {\n    stai_size k;\n"
        << "  " << fail(what + " == NULL", "STAI_ERROR_NETWORK_INVALID_API_ARGUMENTS")
        << "    for (k = 0; k < " << count << "u; ++k) {\n"
        << "    " << fail(what + "[k] == NULL", "STAI_ERROR_NETWORK_INVALID_" + err + "_PTR")
        << "    " << fail(aligned(what + "[k]", std::to_string(align)), "STAI_ERROR_INVALID_BUFFER_ALIGNMENT")
        << "    }\n    for (k = 0; k < " << count << "u; ++k) " << assign << " = " << what << "[k];\n  }\n";
    else
      c << "  (void)" << what << ";\n";
    c << after << "  return ctx->error;\n}\n\n";
  };
  setter("activations", "ACTIVATIONS_NUM", regions_of(m), "ACTIVATIONS", m.activations_alignment, "ctx->act[k]",
         "  " + n + "__default_io(ctx);\n");
  setter("weights", "WEIGHTS_NUM", 1, "WEIGHTS", m.weights_alignment, "ctx->weights", "");
  setter("inputs", "IN_NUM", ni, "IN", m.activations_alignment, "ctx->in[k]", "");
  setter("outputs", "OUT_NUM", no, "OUT", m.activations_alignment, "ctx->out[k]", "");
  setter("states", "STATES_NUM", ns, "STATES", m.states_alignment, "ctx->states", "");
  c << F << "_reset_states(stai_network *network) {\n" << get;
  if (m.stateful)
    c << fail("ctx->states == NULL", "STAI_ERROR_NETWORK_INVALID_STATES_PTR") << "  memset(ctx->states, 0, " << S
      << "_STATES_SIZE_BYTES);\n";
  c << "  return ctx->error;\n}\n\n"
    << F << "_set_callback(stai_network *network, const stai_event_cb cb, void *cb_cookie) {\n" << get
    << "  ctx->callback = cb;\n  ctx->callback_cookie = cb_cookie;\n  return ctx->error;\n}\n\n"
    << F << "_run(stai_network *network, const stai_run_mode mode) {\n" << get
    << fail("mode != STAI_MODE_SYNC", "STAI_ERROR_NETWORK_INVALID_RUN")
    << fail("ctx->act[0] == NULL", "STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_PTR")
    << (m.stateful ? fail("ctx->states == NULL", "STAI_ERROR_NETWORK_INVALID_STATES_PTR") : "");
  // the application's own buffers are read and written in place; the others are copied to and
  // from their planned slot when the application set its own
  for (bool out : {false, true}) {
    const auto& ts = out ? m.outputs : m.inputs;
    for (size_t k = 0; k < ts.size(); ++k) {
      const std::string p = std::string("ctx->") + (out ? "out[" : "in[") + std::to_string(k) + "]";
      if (ts[k].in_app) c << fail(p + " == NULL", out ? "STAI_ERROR_NETWORK_INVALID_OUT_PTR" : "STAI_ERROR_NETWORK_INVALID_IN_PTR");
    }
  }
  c << "  if (ctx->error != STAI_SUCCESS) return ctx->error;\n";
  auto copies = [&](bool out) {
    const auto& ts = out ? m.outputs : m.inputs;
    for (size_t k = 0; k < ts.size(); ++k) {
      if (ts[k].in_app) continue;
      const std::string p = std::string("ctx->") + (out ? "out[" : "in[") + std::to_string(k) + "]";
      const std::string slot = act_slot(ts[k].region, ts[k].offset);
      c << "  if (" << p << " != " << slot << ") memcpy(" << (out ? p : slot) << ", " << (out ? slot : p) << ", "
        << ts[k].bytes << ");\n";
    }
  };
  copies(false);
  c << "  " << n << "__forward(ctx";
  for (size_t r = 0; r < regions_of(m); ++r) c << ", ctx->act[" << r << "]";
  c << ", ctx->weights" << (m.stateful ? ", ctx->states" : "") << ");\n";
  copies(true);
  c << "  return STAI_SUCCESS;\n}\n";
  return c.str();
}

}  // namespace eg::emit
