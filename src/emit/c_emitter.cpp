#include "emit/c_emitter.h"

#include <algorithm>
#include <sstream>

#include "ops/families.h"
#include "ops/registry.h"
#include "util/error.h"

namespace eg::emit {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string stai_format(DType t) {
  switch (t) {
    case DType::F32: return "STAI_FORMAT_FLOAT32";
    case DType::I8: return "STAI_FORMAT_S8";
    case DType::U8: return "STAI_FORMAT_U8";
    case DType::I16: return "STAI_FORMAT_S16";
    case DType::U16: return "STAI_FORMAT_U16";
    case DType::I32: return "STAI_FORMAT_S32";
    case DType::I64: return "STAI_FORMAT_S64";
    case DType::Bool: return "STAI_FORMAT_BOOL";
    default: return "STAI_FORMAT_NONE";
  }
}

std::string value_str(const Tensor& t, size_t i) {
  switch (t.dtype) {
    case DType::F32: return EmitContext::float_lit(t.values<float>()[i]);
    case DType::I8: return std::to_string(t.values<int8_t>()[i]);
    case DType::U8: case DType::Bool: return std::to_string(t.values<uint8_t>()[i]);
    case DType::I16: return std::to_string(t.values<int16_t>()[i]);
    case DType::U16: return std::to_string(t.values<uint16_t>()[i]);
    case DType::I32: {
      const int32_t v = t.values<int32_t>()[i];
      return v == INT32_MIN ? "(-2147483647 - 1)" : std::to_string(v);
    }
    case DType::U32: return std::to_string(t.values<uint32_t>()[i]) + "u";
    case DType::I64: {
      const int64_t v = t.values<int64_t>()[i];
      return v == INT64_MIN ? "(-9223372036854775807LL - 1)" : std::to_string(v) + "LL";
    }
    default: return "0";
  }
}

std::string array_definition(const ConstArray& a) {
  std::ostringstream o;
  const size_t n = static_cast<size_t>(a.data.elements());
  o << "/* " << a.source << ": " << dtype_name(a.data.dtype) << "[" << shape_str(a.data.shape) << "] */\n";
  o << "STAI_ALIGNED(4) const " << a.ctype << " " << a.symbol << "[" << std::max<size_t>(n, 1) << "] = {";
  const size_t per_line = a.data.dtype == DType::F32 ? 8 : 16;
  for (size_t i = 0; i < n; ++i) {
    if (i % per_line == 0) o << "\n  ";
    o << value_str(a.data, i) << (i + 1 < n ? ", " : "");
  }
  if (n == 0) o << "0";
  o << "\n};\n";
  return o.str();
}

std::string op_class(const Graph& g, const Node& n) {
  DType a = DType::F32, b = DType::F32;
  for (TensorId i : n.inputs)
    if (i != kNoTensor && !g.t(i).is_const) {
      a = g.t(i).dtype;
      break;
    }
  b = a;
  bool found = false;
  for (size_t i = 1; i < n.inputs.size(); ++i)
    if (n.inputs[i] != kNoTensor && g.t(n.inputs[i]).is_const && !ops::is_view_op(n.op)) {
      b = g.t(n.inputs[i]).dtype == DType::I64 ? DType::I32 : g.t(n.inputs[i]).dtype;
      found = true;
      break;
    }
  if (!found)
    for (TensorId o : n.outputs)
      if (o != kNoTensor) {
        b = g.t(o).dtype;
        break;
      }
  return "smul_" + std::string(dtype_short(a)) + "_" + std::string(dtype_short(b));
}

}  // namespace

Generated emit_c(const Graph& g, const BufferOffsets& plan, const std::string& name, const std::string& model_name) {
  Generated out;
  EmitContext ctx(g, plan, name);
  const std::string P = upper(name);
  const std::string ctx_type = "stai_" + name;

  std::vector<std::string> body;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->emit) fail_node(g.model_path, n.name, n.op, "no C kernel for this operator");
    ctx.current_node = static_cast<int>(i);
    ctx.lines.clear();
    const size_t arrays_before = ctx.arrays.size();
    def->emit(ctx, g, n);
    CLayer L;
    L.index = static_cast<int>(i);
    L.node = static_cast<int>(i);
    L.name = n.name;
    L.type = def->c_layer_type.empty() ? n.op : def->c_layer_type;
    L.op = n.op;
    L.macc = def->macc ? def->macc(g, n) : 0;
    L.is_view = ops::is_view_op(n.op);
    L.op_class = op_class(g, n);
    for (size_t a = arrays_before; a < ctx.arrays.size(); ++a) {
      L.rom += ctx.arrays[a].data.bytes();
      L.arrays.push_back(ctx.arrays[a].symbol);
    }
    std::string dt;
    for (TensorId o : n.outputs)
      if (o != kNoTensor) {
        dt = std::string(dtype_name(g.t(o).dtype));
        break;
      }
    body.push_back("  EG_LAYER_BEGIN(" + std::to_string(i) + "); /* " + std::to_string(i) + ": " + L.type + " '" +
                   n.name + "' -> " + dt + ", macc " + std::to_string(L.macc) + " */");
    for (const auto& l : ctx.lines) body.push_back("  " + l);
    body.push_back("  EG_LAYER_END(" + std::to_string(i) + ");");
    out.layers.push_back(L);
  }
  out.arrays = ctx.arrays;
  for (const auto& a : out.arrays) (a.is_param ? out.params_bytes : out.weights_bytes) += a.data.bytes();
  out.runtime_units.assign(ctx.runtime_units.begin(), ctx.runtime_units.end());

  const size_t n_in = g.inputs.size(), n_out = g.outputs.size();
  auto offset_of = [&](TensorId id) -> size_t {
    const auto at = plan.of(id);
    if (!at) throw CompileError(g.model_path + ": graph input/output '" + g.t(id).name + "' is not in the activations plan");
    return *at;
  };

  // ---- network.h
  std::ostringstream h;
  h << "/* " << name << ".h: generated by edgegen from " << model_name << ". Do not edit. */\n"
    << "#ifndef STAI_" << P << "_H\n#define STAI_" << P << "_H\n\n#include \"stai.h\"\n\n"
    << "#define STAI_" << P << "_MODEL_NAME \"" << name << "\"\n"
    << "#define STAI_" << P << "_ORIGIN_MODEL_NAME \"" << model_name << "\"\n"
    << "#define STAI_" << P << "_MACC_NUM " << [&] {
         int64_t m = 0;
         for (auto& l : out.layers) m += l.macc;
         return m;
       }() << "\n"
    << "#define STAI_" << P << "_CONTEXT_SIZE " << (8 * (2 + n_in + n_out)) << "\n"
    << "#define STAI_" << P << "_CONTEXT_ALIGNMENT 8\n\n"
    << "#define STAI_" << P << "_ACTIVATIONS_NUM 1\n"
    << "#define STAI_" << P << "_ACTIVATIONS_SIZE " << plan.bytes << "\n"
    << "#define STAI_" << P << "_ACTIVATIONS_SIZE_BYTES " << plan.bytes << "\n"
    << "#define STAI_" << P << "_ACTIVATION_1_SIZE " << plan.bytes << "\n"
    << "#define STAI_" << P << "_ACTIVATION_1_SIZE_BYTES " << plan.bytes << "\n"
    << "#define STAI_" << P << "_ACTIVATION_1_ALIGNMENT " << plan.alignment << "\n"
    << "#define STAI_" << P << "_WEIGHTS_NUM 1\n"
    << "#define STAI_" << P << "_WEIGHTS_SIZE_BYTES " << (out.weights_bytes + out.params_bytes) << "\n\n";
  auto io_macros = [&](const char* kind, size_t k, TensorId id) {
    const Tensor& t = g.t(id);
    const std::string m = "STAI_" + P + "_" + kind + "_" + std::to_string(k + 1);
    h << "#define " << m << "_NAME \"" << t.name << "\"\n"
      << "#define " << m << "_FORMAT " << stai_format(t.dtype) << "\n"
      << "#define " << m << "_RANK " << t.shape.size() << "\n"
      << "#define " << m << "_SHAPE " << EmitContext::ints_lit(t.shape.empty() ? Shape{1} : t.shape) << "\n"
      << "#define " << m << "_SIZE " << t.elements() << "\n"
      << "#define " << m << "_SIZE_BYTES " << t.bytes() << "\n"
      << "#define " << m << "_ALIGNMENT " << plan.alignment << "\n";
    if (t.quant) {
      h << "#define " << m << "_SCALE (" << EmitContext::float_lit(t.quant->scale[0]) << ")\n"
        << "#define " << m << "_ZERO_POINT (" << t.quant->zero_point[0] << ")\n";
    }
    h << "\n";
  };
  h << "#define STAI_" << P << "_IN_NUM " << n_in << "\n";
  for (size_t k = 0; k < n_in; ++k) io_macros("IN", k, g.inputs[k]);
  h << "#define STAI_" << P << "_OUT_NUM " << n_out << "\n";
  for (size_t k = 0; k < n_out; ++k) io_macros("OUT", k, g.outputs[k]);
  h << "/* Opaque context: declare it STAI_ALIGNED(STAI_" << P << "_CONTEXT_ALIGNMENT) " << ctx_type << " ctx[STAI_"
    << P << "_CONTEXT_SIZE]. */\ntypedef uint8_t " << ctx_type << ";\n\n"
    << "stai_return_code stai_" << name << "_init(" << ctx_type << " *network);\n"
    << "stai_return_code stai_" << name << "_deinit(" << ctx_type << " *network);\n"
    << "stai_return_code stai_" << name << "_set_activations(" << ctx_type
    << " *network, const stai_ptr *activations, const stai_size n_activations);\n"
    << "stai_return_code stai_" << name << "_get_inputs(" << ctx_type << " *network, stai_ptr *inputs, stai_size *n_inputs);\n"
    << "stai_return_code stai_" << name << "_set_inputs(" << ctx_type
    << " *network, const stai_ptr *inputs, const stai_size n_inputs);\n"
    << "stai_return_code stai_" << name << "_get_outputs(" << ctx_type << " *network, stai_ptr *outputs, stai_size *n_outputs);\n"
    << "stai_return_code stai_" << name << "_set_outputs(" << ctx_type
    << " *network, const stai_ptr *outputs, const stai_size n_outputs);\n"
    << "stai_return_code stai_" << name << "_run(" << ctx_type << " *network, const stai_run_mode mode);\n\n"
    << "#endif\n";
  out.files[name + ".h"] = h.str();

  // ---- network_data.h / .c
  std::ostringstream dh, dc;
  dh << "/* " << name << "_data.h: constant weights of " << name << " (flash). Generated by edgegen. */\n"
     << "#ifndef " << P << "_DATA_H\n#define " << P << "_DATA_H\n\n#include <stdint.h>\n\n"
     << "#define " << P << "_DATA_WEIGHTS_SIZE_BYTES " << (out.weights_bytes + out.params_bytes) << "\n\n";
  dc << "/* " << name << "_data.c: constant weights of " << name << " (flash). Generated by edgegen. */\n"
     << "#include \"" << name << "_data.h\"\n#include \"stai.h\"\n\n";
  for (const auto& a : out.arrays) {
    dh << "extern const " << a.ctype << " " << a.symbol << "[" << std::max<int64_t>(a.data.elements(), 1) << "];\n";
    dc << array_definition(a) << "\n";
  }
  if (out.arrays.empty()) dc << "typedef int " << name << "_data_is_empty; /* ISO C needs a declaration */\n";
  dh << "\n#endif\n";
  out.files[name + "_data.h"] = dh.str();
  out.files[name + "_data.c"] = dc.str();

  // ---- network.c
  std::ostringstream c;
  const std::string ic = std::to_string(std::max<size_t>(n_in, 1)), oc = std::to_string(std::max<size_t>(n_out, 1));
  c << "/* " << name << ".c: generated by edgegen from " << model_name << ". Do not edit.\n"
    << " * " << g.nodes.size() << " C layers, activations " << plan.bytes << " B, weights "
    << out.weights_bytes << " B, kernel parameters " << out.params_bytes << " B. */\n"
    << "#include <string.h>\n\n#include \"" << name << ".h\"\n#include \"" << name << "_data.h\"\n";
  for (const auto& u : out.runtime_units) c << "#include \"" << u << ".h\"\n";
  c << "\n/* Per-layer hooks for profiling (e.g. cycle counters); empty by default. */\n"
    << "#ifndef EG_LAYER_BEGIN\n#define EG_LAYER_BEGIN(id) ((void)0)\n#endif\n"
    << "#ifndef EG_LAYER_END\n#define EG_LAYER_END(id) ((void)0)\n#endif\n\n"
    << "#define " << P << "_MAGIC 0x45474e31u\n\n"
    << "typedef struct {\n  uint32_t magic;\n  uint8_t *act;\n  void *in[" << ic << "];\n  void *out[" << oc
    << "];\n} " << name << "_context;\n\n"
    << "/* the opaque context must be large enough (compile-time check) */\n"
    << "typedef char " << name << "_context_fits[(sizeof(" << name << "_context) <= STAI_" << P
    << "_CONTEXT_SIZE) ? 1 : -1];\n\n";
  c << "static const uint32_t " << name << "_in_offset[" << ic << "] = {";
  for (size_t k = 0; k < n_in; ++k) c << (k ? ", " : "") << offset_of(g.inputs[k]) << "u";
  if (!n_in) c << "0u";
  c << "};\nstatic const uint32_t " << name << "_in_bytes[" << ic << "] = {";
  for (size_t k = 0; k < n_in; ++k) c << (k ? ", " : "") << g.t(g.inputs[k]).bytes() << "u";
  if (!n_in) c << "0u";
  c << "};\nstatic const uint32_t " << name << "_out_offset[" << oc << "] = {";
  for (size_t k = 0; k < n_out; ++k) c << (k ? ", " : "") << offset_of(g.outputs[k]) << "u";
  if (!n_out) c << "0u";
  c << "};\nstatic const uint32_t " << name << "_out_bytes[" << oc << "] = {";
  for (size_t k = 0; k < n_out; ++k) c << (k ? ", " : "") << g.t(g.outputs[k]).bytes() << "u";
  if (!n_out) c << "0u";
  c << "};\n\n/* Layer parameters (flash). */\n";
  for (const auto& d : ctx.decls) c << d << "\n";
  c << "\n/* The network, layer by layer: activations at fixed offsets in `act`. */\n"
    << "static void " << name << "_forward(uint8_t *act) {\n"
    << "  (void)act; /* unused when every layer is a view */\n";
  for (const auto& l : body) c << l << "\n";
  c << "}\n\n";
  // API
  const std::string C = name + "_context";
  c << "static " << C << " *" << name << "_ctx(" << ctx_type << " *network) {\n"
    << "  " << C << " *ctx = (" << C << " *)(void *)network;\n"
    << "  return (ctx != 0 && ctx->magic == " << P << "_MAGIC) ? ctx : 0;\n}\n\n"
    << "stai_return_code stai_" << name << "_init(" << ctx_type << " *network) {\n"
    << "  " << C << " *ctx = (" << C << " *)(void *)network;\n"
    << "  if (network == 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
    << "  if (((size_t)network % STAI_" << P << "_CONTEXT_ALIGNMENT) != 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_ALIGNMENT;\n"
    << "  memset(ctx, 0, sizeof(*ctx));\n  ctx->magic = " << P << "_MAGIC;\n  return STAI_SUCCESS;\n}\n\n"
    << "stai_return_code stai_" << name << "_deinit(" << ctx_type << " *network) {\n"
    << "  " << C << " *ctx = " << name << "_ctx(network);\n"
    << "  if (ctx == 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
    << "  memset(ctx, 0, sizeof(*ctx));\n  return STAI_SUCCESS;\n}\n\n"
    << "stai_return_code stai_" << name << "_set_activations(" << ctx_type
    << " *network, const stai_ptr *activations, const stai_size n_activations) {\n"
    << "  " << C << " *ctx = " << name << "_ctx(network);\n  stai_size k;\n"
    << "  if (ctx == 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
    << "  if (n_activations != STAI_" << P << "_ACTIVATIONS_NUM) return STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_NUM;\n"
    << "  if (activations == 0 || activations[0] == 0) return STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_PTR;\n"
    << "  if (((size_t)activations[0] % STAI_" << P << "_ACTIVATION_1_ALIGNMENT) != 0) return STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_PTR;\n"
    << "  ctx->act = (uint8_t *)activations[0];\n"
    << "  /* by default inputs and outputs live inside the activations buffer */\n"
    << "  for (k = 0; k < STAI_" << P << "_IN_NUM; ++k) ctx->in[k] = ctx->act + " << name << "_in_offset[k];\n"
    << "  for (k = 0; k < STAI_" << P << "_OUT_NUM; ++k) ctx->out[k] = ctx->act + " << name << "_out_offset[k];\n"
    << "  return STAI_SUCCESS;\n}\n\n";
  for (const char* kind : {"inputs", "outputs"}) {
    const bool isin = std::string(kind) == "inputs";
    const std::string field = isin ? "in" : "out", NUM = isin ? "IN_NUM" : "OUT_NUM";
    const std::string err_ptr = isin ? "STAI_ERROR_NETWORK_INVALID_IN_PTR" : "STAI_ERROR_NETWORK_INVALID_OUT_PTR";
    const std::string err_num = isin ? "STAI_ERROR_NETWORK_INVALID_IN_NUM" : "STAI_ERROR_NETWORK_INVALID_OUT_NUM";
    c << "stai_return_code stai_" << name << "_get_" << kind << "(" << ctx_type << " *network, stai_ptr *" << kind
      << ", stai_size *n_" << kind << ") {\n"
      << "  " << C << " *ctx = " << name << "_ctx(network);\n  stai_size k;\n"
      << "  if (ctx == 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
      << "  if (n_" << kind << " == 0) return STAI_ERROR_NETWORK_INVALID_API_ARGUMENTS;\n"
      << "  *n_" << kind << " = STAI_" << P << "_" << NUM << ";\n"
      << "  if (" << kind << " == 0) return STAI_SUCCESS;\n"
      << "  for (k = 0; k < STAI_" << P << "_" << NUM << "; ++k) " << kind << "[k] = ctx->" << field << "[k];\n"
      << "  return STAI_SUCCESS;\n}\n\n"
      << "stai_return_code stai_" << name << "_set_" << kind << "(" << ctx_type << " *network, const stai_ptr *"
      << kind << ", const stai_size n_" << kind << ") {\n"
      << "  " << C << " *ctx = " << name << "_ctx(network);\n  stai_size k;\n"
      << "  if (ctx == 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
      << "  if (n_" << kind << " != STAI_" << P << "_" << NUM << ") return " << err_num << ";\n"
      << "  for (k = 0; k < n_" << kind << "; ++k) {\n"
      << "    if (" << kind << "[k] == 0) return " << err_ptr << ";\n"
      << "    ctx->" << field << "[k] = " << kind << "[k];\n  }\n  return STAI_SUCCESS;\n}\n\n";
  }
  c << "stai_return_code stai_" << name << "_run(" << ctx_type << " *network, const stai_run_mode mode) {\n"
    << "  " << C << " *ctx = " << name << "_ctx(network);\n  stai_size k;\n"
    << "  if (ctx == 0) return STAI_ERROR_NETWORK_INVALID_CONTEXT_HANDLE;\n"
    << "  if (mode != STAI_MODE_SYNC) return STAI_ERROR_NETWORK_INVALID_RUNMODE;\n"
    << "  if (ctx->act == 0) return STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_PTR;\n"
    << "  /* inputs the application placed elsewhere are copied to their planned slot */\n"
    << "  for (k = 0; k < STAI_" << P << "_IN_NUM; ++k)\n"
    << "    if (ctx->in[k] != (void *)(ctx->act + " << name << "_in_offset[k]))\n"
    << "      memcpy(ctx->act + " << name << "_in_offset[k], ctx->in[k], " << name << "_in_bytes[k]);\n"
    << "  " << name << "_forward(ctx->act);\n"
    << "  for (k = 0; k < STAI_" << P << "_OUT_NUM; ++k)\n"
    << "    if (ctx->out[k] != (void *)(ctx->act + " << name << "_out_offset[k]))\n"
    << "      memcpy(ctx->out[k], ctx->act + " << name << "_out_offset[k], " << name << "_out_bytes[k]);\n"
    << "  return STAI_SUCCESS;\n}\n";
  out.files[name + ".c"] = c.str();

  // runtime units (only those used) and everything they include, transitively:
  // a header of another unit brings that unit's .c too.
  const auto& rt = runtime_sources();
  std::vector<std::string> todo = {"stai.h", "eg_common.h"};
  for (const auto& u : out.runtime_units) {
    todo.push_back(u + ".h");
    todo.push_back(u + ".c");
  }
  while (!todo.empty()) {
    const std::string f = todo.back();
    todo.pop_back();
    if (out.files.count(f)) continue;
    auto it = rt.find(f);
    if (it == rt.end()) throw CompileError("internal: runtime file '" + f + "' is not embedded");
    out.files[f] = it->second;
    std::istringstream lines(it->second);
    std::string line;
    while (std::getline(lines, line)) {
      const auto a = line.find("#include \""), b = a == std::string::npos ? a : line.find('"', a + 10);
      if (a == std::string::npos || b == std::string::npos) continue;
      const std::string inc = line.substr(a + 10, b - a - 10);
      if (!rt.count(inc)) continue;
      todo.push_back(inc);
      const std::string c_file = inc.substr(0, inc.size() - 2) + ".c";
      if (inc.size() > 2 && inc.compare(inc.size() - 2, 2, ".h") == 0 && rt.count(c_file)) todo.push_back(c_file);
    }
  }
  for (const auto& [f, _] : out.files)
    if (f.size() > 2 && f.compare(f.size() - 2, 2, ".c") == 0 && f.rfind("eg_", 0) == 0) {
      const std::string unit = f.substr(0, f.size() - 2);
      if (std::find(out.runtime_units.begin(), out.runtime_units.end(), unit) == out.runtime_units.end())
        out.runtime_units.push_back(unit);
    }
  std::sort(out.runtime_units.begin(), out.runtime_units.end());
  return out;
}

}  // namespace eg::emit
