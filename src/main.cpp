// edgegen command line: analyze | generate | validate | supported-ops, with the
// options of ST Edge AI Core. User errors: one line on stderr, exit code 2.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "driver/commands.h"
#include "driver/st_options.h"
#include "driver/supervisor.h"
#include "toolchain/target.h"
#include "util/error.h"
#include "util/text.h"

namespace {

// --input-shape NAME=DxDx... and --state OUT=IN into the typed options; "" or the problem.
std::string apply_shape_and_state_args(const std::vector<std::string>& input_shapes,
                                       const std::vector<std::string>& state_pairs, eg::pipeline::Options& o) {
  for (const auto& p : input_shapes) {
    const auto eq = p.find('=');
    eg::Shape shape;
    bool ok = eq != std::string::npos && eq > 0 && eq + 1 < p.size();
    for (size_t pos = eq + 1; ok && pos <= p.size();) {
      const size_t x = std::min(p.find('x', pos), p.size());
      const std::string d = p.substr(pos, x - pos);
      ok = !d.empty() && d.size() < 10 && d.find_first_not_of("0123456789") == std::string::npos && std::stoll(d) > 0;
      if (ok) shape.push_back(std::stoll(d));
      pos = x + 1;
    }
    if (!ok) return "--input-shape " + eg::text::quoted(p) + ": expected NAME=DxDx... (positive sizes)";
    o.input_shapes[p.substr(0, eq)] = shape;
  }
  for (const auto& p : state_pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
      return "--state " + eg::text::quoted(p) + ": expected OUTPUT=INPUT";
    o.state_pairs.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return "";
}

// validate's random-input options and its pass/fail thresholds.
// ST's options into the compile options (reads --memory-pool's file); "" or the problem.
std::string apply_st(eg::driver::CliOptions& o, bool validate) {
  try {
    eg::driver::apply_st_options(o.st, o.compile, validate, o.mode);
  } catch (const eg::CompileError& e) {
    return e.what();
  }
  return "";
}

void add_validate_sampling_and_thresholds(CLI::App* validate, eg::driver::CliOptions& o) {
  validate->add_option("--seed", o.seed, "seed of the random inputs")->capture_default_str();
  validate->add_option("--range", o.range, "range of random inputs: LO HI")->expected(2);
  validate->add_option("--max-lsb", o.max_lsb, "exit code 1 when a quantized output errs by more than N steps")
      ->check(CLI::NonNegativeNumber);
  validate->add_option("--min-cos", o.min_cos, "exit code 1 when an output's cosine similarity is below X")
      ->check(CLI::Range(-1.0, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgegen: ONNX (float and int8 QDQ) to dependency-free C99 for STM32 microcontrollers"};
  app.require_subcommand(1);
  eg::driver::CliOptions o;
  o.compile.optimization = eg::Optimization::Balanced;  // ST's default
  const std::vector<std::string> args = eg::driver::normalize_st_args(argc, argv);
  for (const auto& a : args)
    if (a == "--version" || a == "--tools-version") {
      std::cout << eg::driver::version_text(a == "--tools-version");
      return 0;
    }

  std::vector<std::string> modes;  // --optimization names, from the policy table
  for (const auto& p : eg::all_optimizations()) modes.emplace_back(p.name);

  std::vector<std::string> input_shapes;
  auto common = [&](CLI::App* sub, bool needs_model) {
    auto* m = sub->add_option("-m,--model", o.compile.model, "ONNX model file");
    if (needs_model) m->required();
    sub->add_option_function<std::string>(
           "-t,--target", [&](const std::string& s) { o.compile.target = *eg::toolchain::find_target(s); },
           "target series (" + eg::toolchain::known_targets() + ")")
        ->check([](const std::string& s) {
          return eg::toolchain::find_target(s) ? std::string()
                                               : "unknown --target '" + s + "' (known: " +
                                                     eg::toolchain::known_targets() + ")";
        })
        ->default_str(std::string(eg::toolchain::default_target().series));
    sub->add_option_function<std::string>(
           "-O,--optimization", [&](const std::string& s) { o.compile.optimization = *eg::parse_optimization(s); },
           "what the generated code favours (see ARCHITECTURE.md, typed options)")
        ->check(CLI::IsMember(modes))
        ->default_str(eg::optimization_name(o.compile.optimization));
    sub->add_option("-n,--name", o.compile.name, "C name of the network (files and symbols)")->capture_default_str();
    sub->add_option("-w,--workspace", o.compile.workspace, "folder for temporary files (default: a fresh temp dir)");
    sub->add_option("-o,--output", o.compile.output, "folder for the generated files and reports")
        ->capture_default_str();
    sub->add_option("--input-shape", input_shapes,
                    "NAME=DxDx... static shape for an input with symbolic dims (repeatable)");
    sub->add_option("--max-tensor-bytes", o.compile.max_tensor_bytes,
                    "refuse models with a tensor larger than this (bounds compile time and memory)")
        ->capture_default_str();
    sub->add_flag("--no-size-report", [&](int64_t) { o.compile.size_report = false; },
                  "skip the report's memory by section (it compiles the C with the target's compiler)");
  };
  using eg::driver::StCommand;
  auto* analyze = app.add_subcommand("analyze", "print the report without writing C");
  common(analyze, true);
  eg::driver::add_st_options(analyze, o.st, StCommand::Analyze);
  auto* generate = app.add_subcommand("generate", "write network.c/.h, network_data.c/.h, runtime and report");
  common(generate, true);
  generate->add_flag("--validation-firmware", o.validation_firmware,
                     "also write a firmware project that answers validate --device serial:PORT (see README)");
  std::vector<std::string> state_pairs;
  for (auto* sub : {analyze, generate}) {
    sub->add_flag("--stateful", o.compile.stateful,
                  "feed state outputs back as inputs through a persistent states buffer (pairs by declaration order)");
    sub->add_option("--state", state_pairs, "a state pair OUTPUT=INPUT (repeatable; implies --stateful)");
  }
  eg::driver::add_st_options(generate, o.st, StCommand::Generate);
  auto* validate = app.add_subcommand("validate", "run the generated C and compare with the reference");
  common(validate, true);
  eg::driver::add_st_options(validate, o.st, StCommand::Validate);
  validate->add_option("--valinput,--vi", o.valinput,
                       "inputs: .npy, .npz, .pb, .csv (a sample per line) or a test_data_set folder; one file per "
                       "input, or one holding them all");
  validate->add_option("--valoutput,--vo", o.valoutput, "expected outputs, as -vi (default: the reference interpreter)");
  validate->add_option("-b,--batches", o.batches, "random samples when no --valinput")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  add_validate_sampling_and_thresholds(validate, o);
  validate->add_option("--mode", o.mode, "host | target (the --target's core on QEMU, or --device)")->capture_default_str();
  validate->add_option("-d,--device", o.device,
                       "with --mode target: qemu (the target's core emulated; default), m4bench (Cortex-M4 cycle "
                       "estimate), serial:PORT[:BAUD] or tcp:HOST:PORT (a board running the validation firmware)");
  auto* supported = app.add_subcommand("supported-ops", "list supported operators and data types");
  supported->add_option("--format", o.format, "text | json")->capture_default_str();

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "edgegen: error: " << eg::text::one_line(e.what()) << " (see 'edgegen --help')\n";
    return 2;
  }
  std::string bad = apply_shape_and_state_args(input_shapes, state_pairs, o.compile);
  if (bad.empty()) bad = apply_st(o, validate->parsed());
  if (!bad.empty()) {
    std::cerr << "edgegen: error: " << eg::text::one_line(bad) << "\n";
    return 2;
  }
  if (o.st.quiet) o.st.verbosity = 0;
  if (o.st.verbosity > 0) {
    auto notes = eg::driver::st_notes(o.st, validate->parsed(), o.mode);
    for (const auto& n : notes) std::cerr << "edgegen: note: " << n << "\n";
  }
  // One command; every user-facing problem is one line on stderr and exit code 2.
  auto dispatch = [&]() -> int {
    try {
      if (*supported) return eg::driver::cmd_supported_ops(o);
      if (*analyze) {
        o.compile.command = "analyze";
        return eg::driver::cmd_analyze(o);
      }
      if (*generate) {
        o.compile.command = "generate";
        return eg::driver::cmd_generate(o);
      }
      if (*validate) {
        o.compile.command = "validate";
        return eg::driver::cmd_validate(o);
      }
    } catch (const eg::CompileError& e) {
      std::cerr << "edgegen: error: " << eg::text::one_line(e.what()) << "\n";
      return 2;
    } catch (const std::filesystem::filesystem_error& e) {  // the user's files or folders
      std::cerr << "edgegen: error: " << eg::text::one_line(e.what()) << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "edgegen: internal error: "
                << eg::text::one_line((o.compile.model.empty() ? "" : o.compile.model + ": ") + e.what()) << "\n";
      return 3;
    }
    return 0;
  };
  if (*supported) return dispatch();
  // analyze/generate/validate run in a supervised worker with a private temporary folder:
  // Ctrl-C or a crash kills the compilers it started and removes every temporary file.
  eg::driver::catch_interrupts();
  try {
    o.run_dir = eg::driver::make_run_dir(o.compile.workspace, o.compile.model);
  } catch (const eg::CompileError& e) {
    std::cerr << "edgegen: error: " << eg::text::one_line(e.what()) << "\n";
    return 2;
  }
  const bool keep_run_dir = !o.compile.workspace.empty();  // the user asked for the files
  const int rc = eg::driver::run_supervised(dispatch, [&](pid_t worker) {
    std::error_code ec;
    std::filesystem::remove_all(eg::driver::staging_path(o.compile.output, worker), ec);
  });
  if (!keep_run_dir || rc != 0) {
    std::error_code ec;
    std::filesystem::remove_all(o.run_dir, ec);
  }
  return rc;
}
