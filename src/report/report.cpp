// Placeholder being replaced by the full report (see report.h).
#include "report/report.h"

namespace eg::report {

nlohmann::json to_json(const driver::Compiled& c, const std::vector<std::string>& files) {
  nlohmann::json j;
  j["macc"] = c.c_macc;
  j["activations"] = c.plan.activations_bytes;
  j["weights"] = c.code.weights_bytes;
  j["files"] = files;
  return j;
}

std::string to_text(const driver::Compiled& c, const std::vector<std::string>&) {
  std::string s = "macc " + std::to_string(c.c_macc) + " (model " + std::to_string(c.model_macc) + ")\nweights " +
                  std::to_string(c.code.weights_bytes) + "\nactivations " + std::to_string(c.plan.activations_bytes) +
                  " (lower bound " + std::to_string(c.plan.lower_bound) + ")\n";
  for (const auto& n : c.log.notes) s += "note: " + n + "\n";
  for (const auto& l : c.code.layers)
    s += std::to_string(l.index) + " " + l.type + " " + l.name + " macc " + std::to_string(l.macc) + " rom " +
         std::to_string(l.rom) + " " + l.op_class + "\n";
  return s;
}

}  // namespace eg::report
