// Target tests on the emulated Cortex-M4 (m4bench: QEMU netduinoplus2 + cycle plugin).
//
//   test_target validate --work DIR   edgegen validate --mode target on the seed QDQ model's
//                                     test_data_set_*: outputs within 1 LSB of ONNX Runtime,
//                                     every cycle region entered once per sample; then the same
//                                     with 2 samples per firmware: identical outputs and cycles
//   test_target models --work DIR     every int8 model of ../shared/models in every --optimization
//                                     mode (time, balanced, ram: different kernel paths) on its
//                                     test_data_set_0: within 1 LSB of ONNX Runtime on the M4
//   test_target tflite --work DIR     every TFLite model of ../shared/tflite under time (kws also
//                                     ram) on its test_data_set_0: bit-exact to TFLite Micro on the M4
//   test_target cores --work DIR      every other core on its QEMU machine (stm32g0 Cortex-M0+ on
//                                     microbit, stm32f1 M3 on mps2-an385, stm32h7 M7 on mps2-an500,
//                                     stm32u5 M33 on mps2-an505, stm32n6 M55 on mps3-an547): the
//                                     seed (and kws_dscnn_qdq on the DSP cores) on test_data_set_0 give
//                                     ONNX Runtime's outputs exactly, or the report says it does not fit
//                                     (bench/cores.sh runs every model and prints instructions/MAC)
//   test_target board --work DIR      generate --validation-firmware for the seed and kws_dscnn_qdq
//                                     (stm32f4), the firmware on QEMU's netduinoplus2 (STM32F405) with
//                                     its USART1 on a loopback TCP socket, validate --device tcp: the
//                                     same metrics as host validate, 0 LSB vs ONNX Runtime; faults: a
//                                     firmware for another model, garbage sent to the board first, a
//                                     board reset mid-run, a silent line, a line of garbage (wrong
//                                     baud): each a clear one-line error, exit 2, no hang
//   test_target example --work DIR    examples/stm32f4 builds with its Makefile around the seed
//                                     network and prints the expected output under emulation
//
// Exit status: 0 pass, 1 fail, 77 skipped (arm-none-eabi-gcc, qemu-system-arm, make or m4run
// missing; CTest SKIP_RETURN_CODE).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/compile.h"
#include "toolchain/tools.h"
#include "io/tensor_io.h"
#include "validate/host_runner.h"
#include "validate/target_runner.h"
#include "validate/validate.h"

namespace fs = std::filesystem;
using namespace eg;

namespace {

const std::string kModelDir = std::string(SHARED_DIR) + "/models/seed_cnn_gru_qdq";
int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "  ok    " : "  FAIL  ") << what << "\n";
  if (!ok) ++failures;
}

bool on_path(const std::string& exe) {
  const char* p = std::getenv("PATH");
  if (!p) return false;
  std::istringstream in(p);
  std::string d;
  while (std::getline(in, d, ':'))
    if (!d.empty() && access((fs::path(d) / exe).c_str(), X_OK) == 0) return true;
  return false;
}

// "" when everything needed is there, else what is missing.
std::string missing_tools() {
  std::string m;
  for (const char* t : {"arm-none-eabi-gcc", "qemu-system-arm", "make"})
    if (!on_path(t)) m += std::string(m.empty() ? "" : ", ") + t;
  if (validate::find_m4run().empty()) m += std::string(m.empty() ? "" : ", ") + "m4run (../shared/m4bench)";
  return m;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string q(const std::string& s) { return "'" + s + "'"; }

int run(const std::string& cmd, std::string* out) {
  const int rc = toolchain::run_command(cmd, out);
  return rc;
}

// ---------------------------------------------------------------- validate
int test_validate(const fs::path& work) {
  std::cout << "target validate: seed_cnn_gru_qdq on its 5 test_data_set_* (ORT references)\n";
  fs::remove_all(work);
  const fs::path out = work / "out";
  std::string log;
  const std::string cmd = q(EDGEGEN_BIN) + " validate --model " + q(kModelDir + "/model.onnx") + " --valinput " +
                          q(kModelDir) + " --valoutput " + q(kModelDir) + " --mode target --workspace " +
                          q((work / "ws").string()) + " --output " + q(out.string());
  const int rc = run(cmd, &log);
  std::cout << log;
  check(rc == 0, "edgegen validate --mode target exits 0");
  if (rc != 0) return 1;
  const std::string text = read_text(out / "network_validate_report.txt");
  check(text.find("target c-model #1") != std::string::npos, "report: metrics table in mode 'target'");
  check(text.find("cycles/MACC") != std::string::npos && text.find("ms at 168 MHz") != std::string::npos,
        "report: cycles table with ms at 168 MHz");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(out / "network_validate_report.json"));
  } catch (const std::exception& e) {
    check(false, std::string("report JSON parses: ") + e.what());
    return 1;
  }
  const auto& o = j.at("outputs").at(0);
  const double lsb = o.at("max_lsb").is_null() ? 99.0 : o.at("max_lsb").get<double>();
  check(j.at("samples").get<int>() == 5, "5 samples");
  check(lsb <= 1.0, "outputs within 1 LSB of ONNX Runtime (max " + std::to_string(lsb) + ")");
  const auto& t = j.at("target");
  const uint64_t cycles = t.at("cycles").get<uint64_t>();
  check(cycles > 1000, "cycles per inference measured (" + std::to_string(cycles) + ")");
  bool layers_ok = !t.at("layers").empty();
  uint64_t sum = 0;
  for (const auto& l : t.at("layers")) {
    layers_ok = layers_ok && l.at("entries").get<int>() == 5;
    if (!l.at("is_view").get<bool>()) layers_ok = layers_ok && l.at("cycles").get<uint64_t>() > 0;
    sum += l.at("cycles").get<uint64_t>();
  }
  check(layers_ok, "every C layer's region entered once per sample, compute layers cost cycles");
  check(sum <= cycles && sum * 10 >= cycles * 9, "layers add up to 90..100% of the inference");
  check(t.at("network").at("flash").get<uint64_t>() > 0 && t.at("network").at("ram").get<uint64_t>() >=
                                                               t.at("activations").get<uint64_t>(),
        "network FLASH/RAM sizes (RAM >= activations)");

  // The same run split into firmwares of 2 samples: same outputs, same per-inference cycles.
  std::cout << "target validate: same samples, 2 per firmware (3 firmwares)\n";
  pipeline::Options opt;
  opt.model = kModelDir + "/model.onnx";
  opt.optimization = Optimization::Balanced;  // the command line's default, as the run above
  const pipeline::Compiled c = pipeline::compile(opt);
  validate::ValidateOptions vo;
  vo.valinput = {kModelDir};
  vo.valoutput = {kModelDir};
  vo.mode = "target";
  setenv("EDGEGEN_TARGET_SAMPLES_PER_FW", "2", 1);
  validate::TargetReport tr;
  auto runner = validate::target_runner(c, (work / "split").string(), &tr);
  const auto r = validate::run_validate(c, vo, runner);
  unsetenv("EDGEGEN_TARGET_SAMPLES_PER_FW");
  check(tr.firmwares == 3, "3 firmwares (" + std::to_string(tr.firmwares) + ")");
  check(r.outputs.at(0).metrics.max_lsb && *r.outputs[0].metrics.max_lsb == lsb &&
            r.outputs[0].metrics.bitexact && o.at("bitexact").get<double>() == *r.outputs[0].metrics.bitexact,
        "same metrics as with one firmware");
  check(tr.cycles == cycles, "same cycles per inference (" + std::to_string(tr.cycles) + ")");
  bool same_layers = tr.layers.size() == t.at("layers").size();
  for (size_t i = 0; same_layers && i < tr.layers.size(); ++i)
    same_layers = tr.layers[i].cycles == t.at("layers")[i].at("cycles").get<uint64_t>() && tr.layers[i].entries == 5;
  check(same_layers, "same per-layer cycles");
  return failures ? 1 : 0;
}

// ---------------------------------------------------------------- example
int test_example(const fs::path& work) {
  std::cout << "examples/stm32f4: build around the seed QDQ network, run on the emulated Cortex-M4\n";
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path gen = work / "gen";
  std::string log;
  int rc = run(q(EDGEGEN_BIN) + " generate --model " + q(kModelDir + "/model.onnx") + " --output " + q(gen.string()),
               &log);
  check(rc == 0, "edgegen generate");
  if (rc != 0) {
    std::cout << log;
    return 1;
  }
  // Input 1 of the example: test_data_set_1 quantized as the network takes it.
  pipeline::Options opt;
  opt.model = kModelDir + "/model.onnx";
  const pipeline::Compiled c = pipeline::compile(opt);
  validate::ValidateOptions vo;
  vo.valinput = {kModelDir + "/test_data_set_1"};
  const auto samples = validate::make_inputs(c, vo);
  const auto bytes = validate::network_input_bytes(c, samples);
  {
    std::ofstream h(work / "input.h");
    h << "/* test_data_set_1 of seed_cnn_gru_qdq, quantized */\nstatic const uint8_t example_input_1[] = {";
    for (size_t i = 0; i < bytes.at(0).size(); ++i) h << (i % 16 ? "" : "\n  ") << int(bytes[0][i]) << ",";
    h << "\n};\n";
  }
  // Expected: ORT's float output on the network's int8 output grid.
  const Tensor ref = io::load_tensors(kModelDir + "/test_data_set_1/output_0.pb").at(0);
  const Tensor& net_out = c.lowered.t(c.lowered.outputs.at(0));
  const float scale = net_out.quant->scale.at(0);
  const int zp = net_out.quant->zero_point.at(0);
  const float ref_v = ref.values<float>()[0];
  const long expect = std::lround(std::min(127.0, std::max(-128.0, static_cast<double>(std::nearbyint(ref_v / scale)) + zp)));

  const std::string make = "make -C " + q(EXAMPLE_DIR) + " GEN=" + q(gen.string()) + " BUILD=" +
                           q((work / "build").string()) + " INPUT=" + q((work / "input.h").string()) +
                           " M4RUN=" + q(validate::find_m4run());
  rc = run(make, &log);
  check(rc == 0, "make GEN=... builds build/firmware.elf");
  if (rc != 0) {
    std::cout << log;
    return 1;
  }
  check(log.find("warning:") == std::string::npos, "no compiler warnings (-Wall -Wextra)");
  // Run under m4run (QEMU netduinoplus2 with semihosting + cycle plugin).
  const fs::path json = work / "m4run.json";
  rc = run(q(validate::find_m4run()) + " --quiet --json " + q(json.string()) + " -- " +
               q((work / "build" / "firmware.elf").string()),
           &log);
  std::cout << log;
  check(rc == 0, "firmware exits 0 on the emulated core");
  std::smatch m;
  static const std::regex re(R"(output 1\[0\] = (-?\d+) \(([-0-9.]+)\))");
  const bool found = std::regex_search(log, m, re);
  check(found, "prints 'output 1[0] = <int8> (<real>)'");
  if (found) {
    const long got = std::stol(m[1]);
    check(std::labs(got - expect) <= 1, "output " + std::to_string(got) + " within 1 LSB of ORT's " +
                                            std::to_string(expect) + " (" + std::to_string(ref_v) + ")");
  }
  check(log.find("cycles:") != std::string::npos, "prints a cycles line");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(json));
  } catch (const std::exception& e) {
    check(false, std::string("m4run JSON: ") + e.what());
    return 1;
  }
  bool region = false;
  for (const auto& r : j.at("regions"))
    if (r.at("id").get<int>() == 1) {
      region = r.at("entries").get<int>() == 1 && !r.at("open").get<bool>() && r.at("cycles").get<uint64_t>() > 0;
      std::cout << "  inference: " << r.at("cycles").get<uint64_t>() << " cycles (m4bench estimate, region 1)\n";
    }
  check(region, "m4bench region 1 (the inference) entered once and closed");
  // Also boots on plain QEMU (make run), without the plugin.
  rc = run("make -s -C " + q(EXAMPLE_DIR) + " GEN=" + q(gen.string()) + " BUILD=" + q((work / "build").string()) +
               " INPUT=" + q((work / "input.h").string()) + " run",
           &log);
  check(rc == 0 && std::regex_search(log, m, re), "make run (qemu-system-arm -M netduinoplus2, semihosting)");
  return failures ? 1 : 0;
}

// ---------------------------------------------------------------- models
// validate --mode target of a model on a test set under one --optimization, in w: the worst output's
// max_lsb (99 when unknown) and the cycles; the log is printed when validate failed.
struct TargetRun {
  int rc = 0;
  double lsb = 99.0;
  uint64_t cycles = 0;
};

TargetRun validate_on_target(const std::string& model, const std::string& set, const std::string& opt,
                             const fs::path& w) {
  TargetRun r;
  std::string log;
  r.rc = run(q(EDGEGEN_BIN) + " validate --model " + q(model) + " --valinput " + q(set) + " --valoutput " + q(set) +
                 " --mode target --optimization " + opt + " --workspace " + q((w / "ws").string()) + " --output " +
                 q((w / "out").string()),
             &log);
  try {
    const auto j = nlohmann::json::parse(read_text(w / "out" / "network_validate_report.json"));
    r.lsb = 0;
    for (const auto& o : j.at("outputs"))
      r.lsb = std::max(r.lsb, o.at("max_lsb").is_null() ? 99.0 : o.at("max_lsb").get<double>());
    r.cycles = j.at("target").at("cycles").get<uint64_t>();
  } catch (const std::exception&) {
    r.lsb = 99.0;
  }
  if (r.rc != 0) std::cout << log;
  fs::remove_all(w / "ws");
  return r;
}

int test_models(const fs::path& work) {
  fs::remove_all(work);
  const std::string models = std::string(SHARED_DIR) + "/models/";
  for (const char* name : {"seed_cnn_gru_qdq", "ad_fc_ae_qdq", "kws_dscnn_qdq", "vww_mbv1_qdq", "ic_resnet8_qdq",
                           "har_cnn_lstm_qdq"})
    for (const char* opt : {"time", "balanced", "ram"}) {
      const std::string dir = models + name;
      const TargetRun r = validate_on_target(dir + "/model.onnx", dir + "/test_data_set_0", opt,
                                             work / (std::string(name) + "-" + opt));
      check(r.rc == 0 && r.lsb <= 1.0, std::string(name) + " --optimization " + opt + ": max " + std::to_string(r.lsb) +
                                           " LSB vs ONNX Runtime, " + std::to_string(r.cycles) + " cycles");
    }
  return failures ? 1 : 0;
}

// ---------------------------------------------------------------- tflite
// Every shared TFLite model bit-exact to TensorFlow Lite Micro on the emulated Cortex-M4 (the DSP
// paths with TFLite's requantization) under --optimization time (scratch: the matrix path); kws also
// under ram (the scratch-free paths: depthwise, 1x1 as FC, the reference loop where the scratch would
// grow the buffer; the larger models' ram runs are bench material).
int test_tflite(const fs::path& work) {
  fs::remove_all(work);
  const std::string models = std::string(SHARED_DIR) + "/tflite/";
  for (const char* name : {"tflm_hello_world_int8", "mlperf_ad_fc_autoencoder", "mlperf_kws_dscnn",
                           "mlperf_vww_mobilenetv1_025", "mlperf_ic_resnet8"})
    for (const char* opt : {"time", "ram"}) {
      if (std::string(opt) == "ram" && std::string(name) != "mlperf_kws_dscnn") continue;
      const std::string dir = models + name;
      const TargetRun r = validate_on_target(dir + "/model.tflite", dir + "/test_data_set_0", opt,
                                             work / (std::string(name) + "-" + opt));
      check(r.rc == 0 && r.lsb == 0.0, std::string(name) + " --optimization " + opt + ": max " +
                                           std::to_string(r.lsb) + " LSB vs TFLite Micro, " +
                                           std::to_string(r.cycles) + " cycles");
    }
  return failures ? 1 : 0;
}

// ---------------------------------------------------------------- cores
int test_cores(const fs::path& work) {
  fs::remove_all(work);
  const std::string models = std::string(SHARED_DIR) + "/models/";
  for (const char* target : {"stm32g0", "stm32f1", "stm32h7", "stm32u5", "stm32n6"})
    for (const char* name : {"seed_cnn_gru_qdq", "kws_dscnn_qdq"}) {
      // kws on the portable-kernel cores (M0+: does not fit; M3: ~70 M instructions) is bench/cores.sh's
      if (std::string(name) == "kws_dscnn_qdq" && (std::string(target) == "stm32g0" || std::string(target) == "stm32f1"))
        continue;
      const std::string dir = models + name, set = dir + "/test_data_set_0";
      const fs::path w = work / (std::string(target) + "-" + name);
      std::string log;
      const int rc = run(q(EDGEGEN_BIN) + " validate --model " + q(dir + "/model.onnx") + " --target " + target +
                             " --valinput " + q(set) + " --valoutput " + q(set) + " --mode target --workspace " +
                             q((w / "ws").string()) + " --output " + q((w / "out").string()),
                         &log);
      const std::string what = std::string(target) + " " + name + ": ";
      if (rc != 0 && log.find("does not fit") != std::string::npos) {
        // only the 16 KiB micro:bit may be too small for a shared model
        check(std::string(target) == "stm32g0" && log.find("microbit") != std::string::npos,
              what + "does not fit the emulated machine: " + log.substr(0, log.find('\n')));
        continue;
      }
      double lsb = 99.0;
      uint64_t insns = 0;
      std::string core, machine;
      try {
        const auto j = nlohmann::json::parse(read_text(w / "out" / "network_validate_report.json"));
        lsb = 0;
        for (const auto& o : j.at("outputs")) lsb = std::max(lsb, o.at("max_lsb").is_null() ? 99.0 : o.at("max_lsb").get<double>());
        insns = j.at("target").at("instructions").get<uint64_t>();
        core = j.at("target").at("core").get<std::string>();
        machine = j.at("target").at("machine").get<std::string>();
      } catch (const std::exception&) {
      }
      if (rc != 0) std::cout << log;
      check(rc == 0 && lsb == 0.0 && insns > 0,
            what + core + " on " + machine + ": max " + std::to_string(lsb) + " LSB vs ONNX Runtime, " +
                std::to_string(insns) + " instructions per inference");
      fs::remove_all(w / "ws");
    }
  return failures ? 1 : 0;
}

// ---------------------------------------------------------------- board
// A free loopback TCP port (bound, then released for QEMU).
unsigned free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A child process listening on a loopback port: `garbage` sends random bytes forever,
// else it accepts and stays silent. Returns its pid.
pid_t fake_board(unsigned port, bool garbage) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(fd, 1);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int c = ::accept(fd, nullptr, nullptr);
    std::mt19937 rng(7);
    uint8_t buf[64];
    for (int i = 0; i < 3000; ++i) {  // at most ~30 s
      if (garbage) {
        for (auto& b : buf) b = static_cast<uint8_t>(rng());
        if (::send(c, buf, sizeof buf, MSG_NOSIGNAL) < 0) break;
      }
      ::usleep(10000);
    }
    ::_exit(0);
  }
  ::close(fd);
  return pid;
}

void stop(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

// Sends bytes to a loopback TCP port (QEMU's monitor or serial server); false if it cannot
// connect. `reply` (optional): what came back within 300 ms.
bool send_to(unsigned port, const std::string& bytes, std::string* reply = nullptr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  for (int i = 0; i < 50 && !ok; ++i) {
    ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (!ok) ::usleep(100000);
  }
  if (ok) ok = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  ::usleep(300000);
  if (reply) {
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) reply->assign(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return ok;
}

// The validation firmware of `model` on netduinoplus2: serial on `port`, monitor on `monitor`.
pid_t start_board(const fs::path& elf, unsigned port, unsigned monitor) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string serial = "tcp:127.0.0.1:" + std::to_string(port) + ",server=on,wait=off";
    const std::string mon = "tcp:127.0.0.1:" + std::to_string(monitor) + ",server=on,wait=off";
    ::execlp("qemu-system-arm", "qemu-system-arm", "-M", "netduinoplus2", "-nodefaults", "-display", "none",
             "-serial", serial.c_str(), "-monitor", mon.c_str(), "-kernel", elf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // listening once its monitor answers (a loaded machine may take seconds to start QEMU)
  for (int i = 0; i < 100 && !send_to(monitor, ""); ++i) ::usleep(100000);
  return pid;
}

// The metrics of every output in a validate JSON report (the mode field aside).
std::string metrics_of(const fs::path& report) {
  try {
    auto j = nlohmann::json::parse(read_text(report));
    return j.at("outputs").dump();
  } catch (const std::exception&) {
    return "(no report)";
  }
}

int test_board(const fs::path& work) {
  fs::remove_all(work);
  const std::string models = std::string(SHARED_DIR) + "/models/";
  std::map<std::string, fs::path> elf;
  for (const char* name : {"seed_cnn_gru_qdq", "kws_dscnn_qdq"}) {
    const fs::path gen = work / name / "fw";
    std::string log;
    int rc = run(q(EDGEGEN_BIN) + " generate --validation-firmware --target stm32f4 --model " +
                     q(models + name + "/model.onnx") + " --output " + q(gen.string()),
                 &log);
    check(rc == 0 && fs::exists(gen / "Makefile") && fs::exists(gen / "egv_network.h"),
          std::string(name) + ": generate --validation-firmware writes the firmware project");
    // netduinoplus2: QEMU's STM32F405 with USART1 on the first -serial
    rc = run("make -s -C " + q(gen.string()) + " USART_BASE=0x40011000 PINS=none", &log);
    check(rc == 0, std::string(name) + ": the project builds with its Makefile (arm-none-eabi-gcc)");
    if (rc != 0) std::cout << log;
    elf[name] = gen / "build" / "network_validation.elf";
  }
  if (failures) return 1;
  auto validate = [&](const std::string& name, const std::string& extra, const fs::path& out, std::string* log) {
    const std::string set = models + name + "/test_data_set_0";
    // generous answer times: QEMU feeds its USART a byte per event-loop turn, slow on a loaded machine
    return toolchain::run_command("EDGEGEN_DEVICE_TIMEOUT=20 " + q(EDGEGEN_BIN) + " validate --target stm32f4 --model " + q(models + name + "/model.onnx") +
                                      " --valinput " + q(set) + " --valoutput " + q(set) + " " + extra + " --output " +
                                      q(out.string()),
                                  log, 120);
  };
  for (const char* name : {"seed_cnn_gru_qdq", "kws_dscnn_qdq"}) {
    const unsigned port = free_port(), mon = free_port();
    const pid_t qemu = start_board(elf[name], port, mon);
    std::string log, hlog;
    const fs::path out = work / name / "board", host = work / name / "host";
    const int rc = validate(name, "--mode target --device tcp:127.0.0.1:" + std::to_string(port), out, &log);
    validate(name, "--mode host", host, &hlog);
    const std::string got = metrics_of(out / "network_validate_report.json");
    if (rc != 0) std::cout << log;
    check(rc == 0 && got == metrics_of(host / "network_validate_report.json") &&
              got.find("\"max_lsb\":0.0") != std::string::npos && log.find("stack high-water mark") != std::string::npos,
          std::string(name) + ": validate --device tcp (firmware on the emulated STM32F405's USART): the same metrics as "
                              "host validate, 0 LSB vs ONNX Runtime, stack high-water mark reported");
    if (std::string(name) == "seed_cnn_gru_qdq") {
      // garbage to the board first: it drops it and answers the next session
      std::string junk;
      std::mt19937 rng(3);
      for (int i = 0; i < 1500; ++i) junk += static_cast<char>(i % 7 == 0 ? 0xE5 : rng() & 0xFF);
      check(send_to(port, junk), "garbage bytes sent to the board");
      log.clear();
      const int rc2 = validate(name, "--mode target --device tcp:127.0.0.1:" + std::to_string(port), work / name / "board2", &log);
      check(rc2 == 0, "after 1,500 garbage bytes on its line the board still validates (" + log.substr(0, log.find('\n')) + ")");
      // a firmware for another model
      log.clear();
      const int rc3 = validate("kws_dscnn_qdq", "--mode target --device tcp:127.0.0.1:" + std::to_string(port),
                               work / name / "other", &log);
      check(rc3 == 2 && log.find("for another network") != std::string::npos,
            "kws against the seed's firmware: exit 2, 'for another network' (" + log.substr(0, 160) + ")");
      // a reset in the middle of a long run of samples
      log.clear();
      const auto t0 = std::chrono::steady_clock::now();
      std::atomic<bool> done{false};
      std::thread reset([&] {  // once validate is connected (QEMU's monitor: serial0 not "disconnected"), every 2 s
        while (!done) {
          std::string chardevs;
          send_to(mon, "info chardev\n", &chardevs);
          const auto at = chardevs.find("serial0");
          if (at == std::string::npos || chardevs.find("disconnected", at) < chardevs.find('\n', at)) continue;
          std::this_thread::sleep_for(std::chrono::milliseconds(500));
          send_to(mon, "system_reset\n");
          for (int i = 0; i < 20 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      });
      const int rc4 = toolchain::run_command(q(EDGEGEN_BIN) + " validate --target stm32f4 --model " +
                                                 q(models + name + "/model.onnx") + " --batches 3000 --mode target "
                                                 "--device tcp:127.0.0.1:" + std::to_string(port) + " --output " +
                                                 q((work / name / "reset").string()),
                                             &log, 120);
      done = true;
      reset.join();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      check(rc4 == 2 && log.find("restarted") != std::string::npos && secs < 60,
            "board reset mid-run: exit 2, 'the board restarted' (" + log.substr(0, 160) + ")");
    }
    stop(qemu);
  }
  // a silent line, and a line of garbage (what a wrong baud rate looks like)
  for (bool garbage : {false, true}) {
    const unsigned port = free_port();
    const pid_t fake = fake_board(port, garbage);
    std::string log;
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = toolchain::run_command("EDGEGEN_DEVICE_TIMEOUT=2 " + q(EDGEGEN_BIN) +
                                              " validate --target stm32f4 --model " +
                                              q(models + "seed_cnn_gru_qdq/model.onnx") +
                                              " --mode target --device tcp:127.0.0.1:" + std::to_string(port) +
                                              " --output " + q((work / "fake").string()),
                                          &log, 60);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stop(fake);
    const std::string want = garbage ? "wrong baud rate" : "no answer";
    check(rc == 2 && log.find(want) != std::string::npos && secs < 30,
          std::string(garbage ? "garbage line" : "silent line") + ": exit 2 in " + std::to_string(static_cast<int>(secs)) +
              " s, '" + want + "' (" + log.substr(0, 160) + ")");
  }
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  fs::path work = fs::temp_directory_path() / "edgegen-test-target";
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--work") work = argv[i + 1];
  if (mode != "validate" && mode != "example" && mode != "models" && mode != "tflite" && mode != "cores" &&
      mode != "board") {
    std::cerr << "usage: test_target validate|models|tflite|cores|board|example [--work DIR]\n";
    return 2;
  }
  if (const std::string m = missing_tools(); !m.empty()) {
    std::cout << "SKIPPED: missing " << m << " (run ../shared/m4bench/install-deps.sh)\n";
    return 77;
  }
  try {
    const int rc = mode == "validate" ? test_validate(work / "validate")
                   : mode == "models" ? test_models(work / "models")
                   : mode == "tflite" ? test_tflite(work / "tflite")
                   : mode == "cores"  ? test_cores(work / "cores")
                   : mode == "board"  ? test_board(work / "board")
                                      : test_example(work / "example");
    std::cout << (rc == 0 ? "PASSED" : "FAILED") << "\n";
    return rc;
  } catch (const std::exception& e) {
    std::cout << "FAILED: " << e.what() << "\n";
    return 1;
  }
}
