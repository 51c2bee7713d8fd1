#include "emit/c_emitter.h"

#include "emit/details.h"
#include "emit/legacy_api.h"
#include "emit/stai_api.h"
#include "emit/weights_blob.h"

#include <algorithm>
#include <sstream>

#include "ops/control_flow.h"
#include "util/c_text.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "util/error.h"

namespace eg::emit {
using text::c_comment_text;
using text::c_string_literal;

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
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

// The runtime units the network calls and everything they include, transitively: a header of
// another unit brings that unit's .c too.
void add_runtime_units(Generated& out) {
  const auto& rt = runtime_sources();
  std::vector<std::string> todo = {"stai.h", "stai_events.h", "stai_runtime.c", "eg_common.h"};
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
    if (f.size() > 2 && f.compare(f.size() - 2, 2, ".c") == 0 && (f.rfind("eg_", 0) == 0 || f == "stai_runtime.c")) {
      const std::string unit = f.substr(0, f.size() - 2);
      if (std::find(out.runtime_units.begin(), out.runtime_units.end(), unit) == out.runtime_units.end())
        out.runtime_units.push_back(unit);
    }
}

// --c-api legacy: the ai_<name>_* layer, its header reachable from <name>.h and <name>_data.h
// (where ST's applications find the AI_<NAME>_* macros) and the runtime's ai_platform files.
void add_legacy_api(Generated& out, const ApiModel& m) {
  for (auto& [file, content] : legacy_api_files(m)) out.files[file] = content;
  for (const std::string& h : {m.name + ".h", m.name + "_data.h"}) {
    std::string& text = out.files.at(h);
    text.insert(text.rfind("#endif"), "#include \"" + m.name + "_legacy.h\"\n\n");
  }
  out.runtime_units.push_back(kLegacyRuntimeUnit);
}

// The states buffer and its pairs (generate --stateful), in network.h.
std::string state_macros(const Graph& g, const BufferOffsets& plan, const std::string& name, const std::string& P) {
  std::ostringstream h;
  (void)name;
  h << "#define STAI_" << P << "_STATE_PAIRS_NUM " << g.states.size() << "\n";
  for (size_t k = 0; k < g.states.size(); ++k) {
    const Tensor &ti = g.t(g.inputs[g.states[k].in]), &to = g.t(g.outputs[g.states[k].out]);
    const std::string m = "STAI_" + P + "_STATE_PAIR_" + std::to_string(k + 1);
    h << "#define " << m << "_INPUT_NAME \"" << ti.name << "\"\n"
      << "#define " << m << "_OUTPUT_NAME \"" << to.name << "\"\n"
      << "#define " << m << "_OFFSET " << plan.state.at(g.inputs[g.states[k].in]) << "\n"
      << "#define " << m << "_FORMAT " << stai_format(ti.dtype) << "\n"
      << "#define " << m << "_SHAPE " << EmitContext::ints_lit(ti.shape.empty() ? Shape{1} : ti.shape) << "\n"
      << "#define " << m << "_SIZE_BYTES " << ti.bytes() << "\n";
    if (ti.quant)
      h << "#define " << m << "_SCALE (" << EmitContext::float_lit(ti.quant->scale[0]) << ")\n"
        << "#define " << m << "_ZERO_POINT (" << ti.quant->zero_point[0] << ")\n";
  }
  h << "\n";
  return h.str();
}

// "c1 && !c2": the C condition of a guard ("+name" true, "-name" false); constant conditions as 1/0.
std::string guard_condition(EmitContext& ctx, const Graph& g, const std::vector<std::string>& guard) {
  std::string expr;
  for (const auto& term : guard) {
    const auto id = g.find_tensor(term.substr(1));
    if (!id) throw CompileError("internal: branch condition '" + term.substr(1) + "' is not a tensor");
    const bool want = term[0] == '+';
    std::string c;
    if (g.t(*id).is_const) {
      const auto v = g.t(*id).as_int64();
      c = (!v.empty() && v[0] != 0) == want ? "1" : "0";
    } else {
      c = std::string(want ? "" : "!") + "*" + ctx.ptr_as(*id, "const uint8_t*");
    }
    expr += (expr.empty() ? "" : " && ") + c;
  }
  return expr;
}

// Layers per C function of the forward pass: a C compiler's optimizer is superlinear in one
// function's size, so long networks are cut into functions of this many layers (compile time
// stays linear in the network's length).
constexpr size_t kLayersPerFunction = 256;

// <name>__forward: the layers' statements (one function, or one per kLayersPerFunction layers),
// then the state copies of a stateful network.
void write_forward(std::ostringstream& c, const ApiModel& m, const std::vector<std::string>& body,
                   const BufferOffsets& plan) {
  const std::string params = forward_params(m), args = forward_args(m);
  std::string unused = "  (void)eg_net;";
  for (size_t r = 0; r < std::max<size_t>(m.regions.size(), 1); ++r)
    unused += " (void)" + BufferOffsets::buffer_name(static_cast<int>(r)) + ";";
  unused += std::string(" (void)") + kWeightsPtr + "; /* unused when no layer needs them */\n" +
            (m.stateful ? "  (void)states;\n" : "");
  std::vector<size_t> layer_start;  // index in body of each layer's first line
  for (size_t k = 0; k < body.size(); ++k)
    if (body[k].rfind("  EG_LAYER_BEGIN(", 0) == 0) layer_start.push_back(k);
  size_t parts = 0;
  if (layer_start.size() > kLayersPerFunction)
    for (size_t first = 0; first < layer_start.size(); first += kLayersPerFunction, ++parts) {
      const size_t from = layer_start[first];
      const size_t to = first + kLayersPerFunction < layer_start.size() ? layer_start[first + kLayersPerFunction]
                                                                        : body.size();
      c << "static void " << m.name << "__forward_" << parts << params << " {\n" << unused;
      for (size_t k = from; k < to; ++k) c << body[k] << "\n";
      c << "}\n\n";
    }
  c << "static void " << m.name << "__forward" << params << " {\n" << unused;
  if (parts == 0)
    for (const auto& l : body) c << l << "\n";
  for (size_t k = 0; k < parts; ++k) c << "  " << m.name << "__forward_" << k << args << ";\n";
  if (!plan.state_copies.empty()) c << "  /* state outputs written before their input's last read: fed back now */\n";
  for (const auto& cp : plan.state_copies)
    c << "  memcpy(states + " << cp.to << ", states + " << cp.from << ", " << cp.bytes << ");\n";
  c << "}\n\n";
}

// Every node's C code (the layers of <name>__forward, before relocation) and its CLayer; the
// nodes of a run-time If branch are wrapped in `if` on the branch condition (ops/control_flow.h).
std::vector<LayerCode> emit_layers(EmitContext& ctx, const Graph& g, Generated& out) {
  std::vector<LayerCode> code;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    const ops::OpDef* def = ops::find_op(n.op);
    if (!def || !def->emit) fail_node(g.model_path, n.name, n.op, "no C kernel for this operator");
    ctx.current_node = static_cast<int>(i);
    ctx.lines.clear();
    const size_t arrays_before = ctx.arrays.size();
    LayerCode lc;
    lc.decl_first = ctx.decls.size();
    def->emit(ctx, g, n);
    lc.decl_last = ctx.decls.size();
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
    // the layer hooks stay outside the branch `if`: a profiler sees every layer on every run
    const std::vector<std::string> guard = ops::guard_of(n);
    lc.begin = "  EG_LAYER_BEGIN(" + std::to_string(i) + "); /* " + std::to_string(i) + ": " + L.type + " '" +
               c_comment_text(n.name) + "' -> " + dt + ", macc " + std::to_string(L.macc) + " */";
    if (!guard.empty()) lc.lines.push_back("  if (" + guard_condition(ctx, g, guard) + ") {");
    for (const auto& l : ctx.lines) lc.lines.push_back((guard.empty() ? "  " : "    ") + l);
    if (!guard.empty()) lc.lines.push_back("  }");
    lc.end = "  EG_LAYER_END(" + std::to_string(i) + ");";
    code.push_back(std::move(lc));
    out.layers.push_back(L);
  }
  return code;
}

// The buffers a node's callback events show: where the plan put its run-time tensors.
void node_buffers(const Graph& g, const BufferOffsets& plan, ApiModel& m) {
  auto where = [&](const std::vector<TensorId>& ids) {
    std::vector<uint32_t> v;
    for (TensorId id : run_time_tensors(g, plan, ids)) v.push_back(plan.location(id));
    return v;
  };
  for (const Node& n : g.nodes) {
    m.node_inputs.push_back(where(n.inputs));
    m.node_outputs.push_back(where(n.outputs));
  }
}

// FNV-1a of the generated code: STAI_<NAME>_MODEL_SIGNATURE.
uint64_t signature_of(const std::vector<std::string>& body, const std::string& data) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
  };
  for (const auto& l : body) mix(l);
  mix(data);
  return h;
}

}  // namespace

Generated emit_c(const Graph& g, const BufferOffsets& plan, const std::string& name, const std::string& model_name,
                 CApi api) {
  Generated out;
  EmitContext ctx(g, plan, name);
  const std::string P = upper(name);

  const std::vector<LayerCode> layers = emit_layers(ctx, g, out);
  out.arrays = ctx.arrays;
  for (const auto& a : out.arrays) (a.is_param ? out.params_bytes : out.weights_bytes) += a.data.bytes();
  out.runtime_units.assign(ctx.runtime_units.begin(), ctx.runtime_units.end());
  std::vector<std::string> file_decls;
  const std::vector<std::string> body = relocate_layers(layers, ctx.decls, out.arrays, name, kWeightsPtr, file_decls);
  const WeightsBlob blob = layout_weights(out.arrays);
  out.blob_bytes = blob.bytes;
  out.files[name + "_data.h"] = weights_header(blob, name, P);
  out.files[name + "_data.c"] = weights_source(blob, name);

  // the application's inputs and outputs: state pairs live in the states buffer instead
  std::vector<TensorId> app_in, app_out;
  for (size_t k = 0; k < g.inputs.size(); ++k)
    if (!g.is_state_input(k)) app_in.push_back(g.inputs[k]);
  for (size_t k = 0; k < g.outputs.size(); ++k)
    if (!g.is_state_output(k)) app_out.push_back(g.outputs[k]);
  auto api_tensor = [&](TensorId id) {
    const Tensor& t = g.t(id);
    const auto at = plan.of(id);
    const bool in_app = plan.app.count(id) != 0;
    if (!at && !in_app) throw CompileError(g.model_path + ": graph input/output '" + t.name + "' is not in the activations plan");
    ApiTensor a;
    a.name = t.name;
    a.dtype = t.dtype;
    a.shape = t.shape;
    if (t.quant) {
      a.scale = t.quant->scale;
      a.zero_point.assign(t.quant->zero_point.begin(), t.quant->zero_point.end());
    }
    a.offset = at ? *at : 0;
    a.region = plan.region_of(id);
    a.in_app = in_app;
    a.bytes = t.bytes();
    const auto asked = g.io_channels_last.find(t.name);
    a.channel_last = asked != g.io_channels_last.end() ? asked->second : g.source == ModelFormat::TFLite;
    return a;
  };
  ApiModel m;
  m.name = name;
  m.P = P;
  m.model_name = model_name;
  m.signature = signature_of(body, out.files[name + "_data.c"]);
  for (const auto& l : out.layers) m.macc += l.macc;
  m.nodes = g.nodes.size();
  m.activations_bytes = plan.bytes;
  m.activations_alignment = plan.alignment;
  if (plan.region_bytes.size() > 1) {
    m.regions = plan.region_bytes;
    m.region_names = plan.region_names;
  }
  m.weights_bytes = blob.bytes;
  m.weights_alignment = blob.alignment;
  m.stateful = !g.states.empty();
  m.states_bytes = plan.states_bytes;
  m.states_alignment = plan.alignment;
  for (TensorId id : app_in) m.inputs.push_back(api_tensor(id));
  for (TensorId id : app_out) m.outputs.push_back(api_tensor(id));
  node_buffers(g, plan, m);

  // ---- network.h
  std::ostringstream h;
  h << "/* " << name << ".h: generated by edgegen from " << c_comment_text(model_name) << ". Do not edit. */\n"
    << "#ifndef STAI_" << P << "_H\n#define STAI_" << P << "_H\n\n#include \"stai.h\"\n#include \"stai_events.h\"\n\n"
    << api_macros(m);
  if (m.stateful) h << state_macros(g, plan, name, P);
  h << api_prototypes(m) << "\n#endif\n";
  out.files[name + ".h"] = h.str();

  // ---- network.c
  std::ostringstream c;
  c << "/* " << name << ".c: generated by edgegen from " << c_comment_text(model_name) << ". Do not edit.\n"
    << " * " << g.nodes.size() << " C layers, activations " << plan.bytes << " B, weights "
    << out.weights_bytes << " B, kernel parameters " << out.params_bytes << " B. */\n"
    << "#include <string.h>\n\n#include \"" << name << ".h\"\n#include \"" << name << "_data.h\"\n";
  for (const auto& u : out.runtime_units) c << "#include \"" << u << ".h\"\n";
  c << "\n" << layer_hooks(m) << api_context(m) << "/* Layer parameters (flash). */\n";
  for (const auto& d : file_decls) c << d << "\n";
  c << "\n/* The network, layer by layer: activations at fixed offsets in `act`, weights at fixed offsets in `"
    << kWeightsPtr << "`" << (m.stateful ? ", states in `states`" : "") << ". */\n";
  write_forward(c, m, body, plan);
  c << api_functions(m);
  out.files[name + ".c"] = c.str();

  out.files[name + "_details.h"] = details_header(g, plan, out.layers, name, P);
  if (api == CApi::Legacy) add_legacy_api(out, m);

  add_runtime_units(out);
  std::sort(out.runtime_units.begin(), out.runtime_units.end());
  return out;
}

}  // namespace eg::emit
