#include "report/compression.h"

#include <cstdio>

namespace eg::report {
namespace {

std::string ratio(size_t from, size_t to) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2fx", to ? static_cast<double>(from) / static_cast<double>(to) : 0.0);
  return b;
}

std::string percent(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f%%", v * 100);
  return b;
}

}  // namespace

std::string compression_summary(const passes::WeightSharing& s) {
  const std::string level = compression_name(s.level);
  if (!compression_policy(s.level).enabled) return level;
  if (s.tensors.empty()) return level + ": no float Dense/Conv weights";
  return level + ": " + std::to_string(s.shared()) + " of " + std::to_string(s.tensors.size()) +
         " float Dense/Conv weight tensors shared, " + std::to_string(s.float_bytes()) + " -> " +
         std::to_string(s.bytes()) + " B (" + ratio(s.float_bytes(), s.bytes()) + ")";
}

std::vector<std::string> compression_lines(const passes::WeightSharing& s) {
  if (!compression_policy(s.level).enabled) return {};
  std::vector<std::string> out;
  out.push_back(std::string("--compression ") + compression_name(s.level) +
                " (weight sharing): a shared weight tensor is one 8-bit or 4-bit index per weight into a float "
                "codebook (runtime/eg_codebook.h); error = ||W - W'|| / ||W||, exact = the tensor's own values:");
  for (const auto& t : s.tensors) {
    std::string line = "  '" + t.tensor + "' (" + std::to_string(t.elements) + " weights, " +
                       std::to_string(t.nodes.size()) + " layer(s)): ";
    if (!t.bits)
      line += "float (" + t.why + ")";
    else
      line += std::to_string(t.bits) + "-bit indices, " + std::to_string(t.entries) + " entries" +
              (t.exact ? " (exact)" : ", error " + percent(t.error)) + ", " + std::to_string(t.float_bytes) + " -> " +
              std::to_string(t.bytes) + " B";
    out.push_back(line);
  }
  return out;
}

nlohmann::json compression_json(const passes::WeightSharing& s) {
  nlohmann::json tensors = nlohmann::json::array();
  for (const auto& t : s.tensors) {
    nlohmann::json e = {{"tensor", t.tensor},   {"layers", t.nodes},       {"elements", t.elements},
                        {"index_bits", t.bits}, {"codebook_entries", t.entries}, {"exact", t.exact},
                        {"weight_error", t.error}, {"float_bytes", t.float_bytes}, {"bytes", t.bytes}};
    if (!t.bits) e["kept_float"] = t.why;
    tensors.push_back(e);
  }
  return {{"level", compression_name(s.level)},
          {"shared_tensors", s.shared()},
          {"candidate_tensors", s.tensors.size()},
          {"float_bytes", s.float_bytes()},
          {"bytes", s.bytes()},
          {"tensors", tensors}};
}

}  // namespace eg::report
