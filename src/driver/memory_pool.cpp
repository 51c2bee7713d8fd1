#include "driver/memory_pool.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.h"

namespace eg::driver {
namespace {

// "128KB", "128 KiB", "0x20000", 131072, or {"value": "128", "magnitude": "KBYTES"}.
size_t parse_size(const std::string& path, const std::string& what, const nlohmann::json& v) {
  std::string text, unit;
  if (v.is_number_unsigned()) return v.get<size_t>();
  if (v.is_object() && v.contains("value")) {
    text = v["value"].is_string() ? v["value"].get<std::string>() : v["value"].dump();
    unit = v.value("magnitude", std::string("BYTES"));
  } else if (v.is_string()) {
    text = v.get<std::string>();
  } else {
    fail(path, what + ": a size is a number or a string such as \"128KB\"");
  }
  size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    fail(path, what + ": '" + text + "' is not a size");
  }
  unit += text.substr(used);
  std::string u;
  for (char c : unit)
    if (!std::isspace(static_cast<unsigned char>(c))) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  unsigned long long scale = 0;
  if (u.empty() || u == "B" || u == "BYTES") scale = 1;
  else if (u == "K" || u == "KB" || u == "KIB" || u == "KBYTES") scale = 1024;
  else if (u == "M" || u == "MB" || u == "MIB" || u == "MBYTES") scale = 1024 * 1024;
  else fail(path, what + ": unknown size unit '" + unit + "'");
  if (n == 0 || n > (1ull << 28) / scale) fail(path, what + ": size '" + text + "' must be between 1 B and 256 MiB");
  return static_cast<size_t>(n * scale);
}

int speed_rank(const nlohmann::json& pool) {
  if (!pool.contains("prop") || !pool["prop"].is_object() || !pool["prop"].contains("throughput")) return 1;
  std::string t = pool["prop"]["throughput"].is_string() ? pool["prop"]["throughput"].get<std::string>() : "";
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "high" ? 0 : t == "low" ? 2 : 1;
}

}  // namespace

std::vector<plan::MemoryRegion> read_memory_pool(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read the memory-pool file");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded()) fail(path, "the memory-pool file is not valid JSON");
  const nlohmann::json* pools = nullptr;
  if (j.is_object() && j.contains("memory") && j["memory"].is_object() && j["memory"].contains("mempools"))
    pools = &j["memory"]["mempools"];
  if (!pools || !pools->is_array() || pools->empty())
    fail(path, "no memory pools: expected {\"memory\": {\"mempools\": [{\"name\": ..., \"size\": ...}, ...]}}");
  std::vector<std::pair<int, plan::MemoryRegion>> ranked;
  for (size_t k = 0; k < pools->size(); ++k) {
    const auto& p = (*pools)[k];
    const std::string at = "mempools[" + std::to_string(k) + "]";
    if (!p.is_object() || !p.contains("size")) fail(path, at + ": needs a \"size\"");
    plan::MemoryRegion r;
    r.name = p.contains("name") && p["name"].is_string() ? p["name"].get<std::string>() : "pool" + std::to_string(k + 1);
    r.size = parse_size(path, at + " (" + r.name + ")", p.contains("usable_size") ? p["usable_size"] : p["size"]);
    for (const auto& [rank, other] : ranked)
      if (other.name == r.name) fail(path, at + ": the name '" + r.name + "' is used twice");
    ranked.emplace_back(speed_rank(p), r);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<plan::MemoryRegion> regions;
  for (auto& [rank, r] : ranked) regions.push_back(std::move(r));
  return regions;
}

}  // namespace eg::driver
