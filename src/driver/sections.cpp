#include "driver/sections.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "toolchain/tools.h"

namespace eg::driver {
namespace fs = std::filesystem;
using toolchain::quote;

namespace {

// network_data.c sources above this size are not compiled (see measure_sections).
constexpr size_t kCompileDataLimit = 256 * 1024;

bool run(const std::string& cmd) { return toolchain::run(cmd).ok(); }

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.find("error") != std::string::npos) return line;
  return "";
}

// Adds one `size -A` section line to the module's totals.
void add_section(SectionSizes& s, const std::string& name, size_t bytes) {
  auto is = [&](const char* base) {
    const std::string b = base;
    return name == b || name.rfind(b + ".", 0) == 0;
  };
  if (is(".text")) s.text += bytes;
  else if (is(".rodata")) s.rodata += bytes;
  else if (is(".data")) s.data += bytes;
  else if (is(".bss")) s.bss += bytes;
}

// The compiler, `size` tool, flags and the report's label for them.
struct SizeTools {
  std::string cc = "arm-none-eabi-gcc", size = "arm-none-eabi-size", flags, label;
  bool cross() const { return cc == "arm-none-eabi-gcc"; }
};

SizeTools choose_tools(const Compiled& c) {
  const std::string opt = policy(c.options.optimization).c_opt_flag;
  const std::string common = "-std=c99 -ffunction-sections -fdata-sections " + opt;
  SizeTools t;
  if (c.options.target.is_host()) {
    t.cc = "cc";
    t.size = "size";
    t.flags = common;
    t.label = "host cc " + t.flags + " (host target)";
  } else if (toolchain::find_tool(t.cc).empty() || toolchain::find_tool(t.size).empty()) {
    t.cc = "cc";
    t.size = "size";
    t.flags = common;
    t.label = "host cc " + t.flags + " (host sizes, arm-none-eabi-gcc not found)";
  } else {
    t.flags = c.options.target.cflags() + " " + common;
    t.label = t.cc + " " + t.flags;
  }
  return t;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string object_of(const std::string& src) { return src.substr(0, src.size() - 2) + ".o"; }

bool read_bytes(const fs::path& f, std::string& out) {
  std::ifstream in(f, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !out.empty();
}

// Runtime units are the same for every network: their objects are kept in memory for the
// process and in a small on-disk cache across processes (a runtime unit compiles in ~0.1-0.4 s;
// generate should stay well under that). The key is the toolchain label, the unit's source and
// every runtime header, so a changed header or flag never reuses a stale object.
class RuntimeObjectCache {
 public:
  RuntimeObjectCache(const Compiled& c, const std::string& label) : c_(c), label_(label) {
    for (const auto& [name, content] : c.code.files)
      if (name.rfind("eg_", 0) == 0 && ends_with(name, ".h")) headers_ += name + '\0' + content + '\0';
  }
  static bool cacheable(const std::string& source) { return source.rfind("eg_", 0) == 0; }

  // Writes the cached object of `source` into `dir`; false when it is not cached.
  bool restore(const std::string& source, const fs::path& dir) const {
    std::lock_guard<std::mutex> lock(mutex());
    const std::string key = key_of(source);
    std::string bytes;
    if (auto it = memory().find(key); it != memory().end()) bytes = it->second;
    else if (const fs::path p = disk_path(key); p.empty() || !read_bytes(p, bytes))
      return false;
    memory()[key] = bytes;
    std::ofstream(dir / object_of(source), std::ios::binary) << bytes;
    return true;
  }

  // Keeps the object just compiled from `source` in `dir`.
  void store(const std::string& source, const fs::path& dir) const {
    std::string bytes;
    if (!read_bytes(dir / object_of(source), bytes)) return;
    std::lock_guard<std::mutex> lock(mutex());
    const std::string key = key_of(source);
    memory()[key] = bytes;
    const fs::path p = disk_path(key);
    std::error_code ec;
    if (p.empty() || (!fs::create_directories(p.parent_path(), ec) && ec)) return;
    const fs::path tmp = p.string() + ".tmp" + std::to_string(::getpid());
    std::ofstream(tmp, std::ios::binary) << bytes;
    fs::rename(tmp, p, ec);
  }

 private:
  // The process-wide part of the cache (the one piece of global mutable state in the
  // compiler; guarded by its mutex).
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::map<std::string, std::string>& memory() {
    static std::map<std::string, std::string> m;
    return m;
  }
  std::string key_of(const std::string& source) const {
    return label_ + '\0' + source + '\0' + c_.code.files.at(source) + '\0' + headers_;
  }
  static fs::path disk_path(const std::string& key) {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = xdg && *xdg ? fs::path(xdg) : home && *home ? fs::path(home) / ".cache" : fs::path();
    if (base.empty()) return {};
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : key) h = (h ^ ch) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return base / "edgegen" / "objects" / (std::string(hex) + ".o");
  }

  const Compiled& c_;
  std::string label_, headers_;
};

using Sources = std::vector<std::pair<size_t, std::string>>;  // (bytes, file) of .c files

// Compiles `sources` in `dir` with two compiler processes (2 cores), balanced by source size,
// each compiling its files with one -c. Returns "" or the first error line.
std::optional<std::string> compile_sources(Sources sources, const SizeTools& t, const fs::path& dir) {
  std::sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> group[2];
  size_t load[2] = {0, 0};
  for (const auto& [bytes, name] : sources) {
    const int k = load[0] <= load[1] ? 0 : 1;
    group[k].push_back(name);
    load[k] += bytes;
  }
  auto compile_cmd = [&](int k) {
    std::string cmd = t.cc + " " + t.flags + " -pipe -I. -c";
    for (const auto& f : group[k]) {
      cmd += ' ';
      cmd += quote(f);
    }
    return cmd + " >cc" + std::to_string(k) + ".log 2>&1";
  };
  std::string cmd = "cd " + quote(dir.string()) + " && ";
  if (group[1].empty())
    cmd += compile_cmd(0);
  else
    cmd += "{ " + compile_cmd(0) + " & p=$!; " + compile_cmd(1) + "; r1=$?; wait $p; r0=$?; " +
           "[ $r0 -eq 0 ] && [ $r1 -eq 0 ]; }";
  if (run(cmd)) return std::nullopt;
  std::string why = first_line(dir / "cc0.log");
  if (why.empty()) why = first_line(dir / "cc1.log");
  return why;
}

using SectionTable = std::map<std::string, std::multimap<std::string, size_t>>;  // object -> section -> bytes

// Parses `size -A` output: "network.o  :" starts an object, ".text  123  0" is one section.
SectionTable parse_size_output(const fs::path& file) {
  SectionTable table;
  std::ifstream in(file);
  std::string line, current;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string first, second;
    ls >> first >> second;
    if (first.empty()) continue;
    if (second == ":" || (first.back() == ':' && second.empty())) {
      current = first.back() == ':' ? first.substr(0, first.size() - 1) : first;
      table[current];
      continue;
    }
    if (current.empty() || first[0] != '.') continue;
    try {
      table[current].emplace(first, static_cast<size_t>(std::stoull(second)));
    } catch (const std::exception&) {
    }
  }
  return table;
}

// Links the objects with --gc-sections (the network's API functions as roots, library calls left
// unresolved) and removes from `table` what the linker drops, as in a firmware. False when the
// link could not be made (the objects' full sizes stay).
// `api_objects`: the network's st-ai and (--c-api legacy) ai_* objects, named after --name.
bool drop_unlinked_sections(SectionTable& table, const std::vector<std::string>& objects,
                            const std::vector<std::string>& api_objects, const SizeTools& t, const fs::path& dir) {
  if (!t.cross() || !table.count(api_objects.front()) || toolchain::find_tool("arm-none-eabi-nm").empty()) return false;
  std::string roots, cmd;
  for (const std::string& api : api_objects) {
    if (!table.count(api)) continue;
    cmd = "cd " + quote(dir.string()) + " && arm-none-eabi-nm -g --defined-only " + quote(api) + " >nm.txt 2>&1";
    if (!run(cmd)) continue;
    std::ifstream in(dir / "nm.txt");
    std::string addr, type, sym;
    while (in >> addr >> type >> sym)
      if (type == "T") roots += " -Wl,-u," + sym;
  }
  if (roots.empty()) return false;
  cmd = "cd " + quote(dir.string()) + " && " + t.cc + " " + t.flags +
        " -nostdlib -nostartfiles -Wl,--gc-sections -Wl,--print-gc-sections"
        " -Wl,--unresolved-symbols=ignore-all -Wl,-e,0" + roots + " -o linked.elf";
  for (const auto& o : objects) cmd += ' ' + quote(o);
  cmd += " >link.log 2>&1";
  if (!run(cmd)) return false;
  std::ifstream in(dir / "link.log");
  std::string line;
  const std::string tag = "removing unused section '";
  while (std::getline(in, line)) {
    const auto a = line.find(tag);
    const auto f = line.find("' in file '");
    if (a == std::string::npos || f == std::string::npos) continue;
    const std::string sec = line.substr(a + tag.size(), f - a - tag.size());
    const auto f0 = f + 11, f1 = line.find('\'', f0);
    if (f1 == std::string::npos) continue;
    const std::string obj = fs::path(line.substr(f0, f1 - f0)).filename().string();
    auto& secs = table[obj];
    if (auto it = secs.find(sec); it != secs.end()) secs.erase(it);
  }
  return true;
}

}  // namespace

void measure_sections(Compiled& c, const std::string& workdir) {
  c.sections.clear();
  const SizeTools t = choose_tools(c);
  const fs::path dir = fs::path(workdir) / "sections";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  Sources sources;
  for (const auto& [name, content] : c.code.files) {
    std::ofstream f(dir / name, std::ios::binary);
    f << content;
    if (!f) {
      c.sections_toolchain = t.label + " (not measured: cannot write " + (dir / name).string() + ")";
      return;
    }
    if (name.size() > 2 && ends_with(name, ".c")) sources.emplace_back(content.size(), name);
  }
  // A large network_data.c (the weights as text) takes seconds to compile; its object is
  // nothing but the const arrays, one .rodata section each, so its sizes are computed.
  std::map<std::string, SectionSizes> by_module;  // object -> sizes
  std::string data_note;
  const std::string data_c = c.options.name + "_data.c";
  if (auto it = c.code.files.find(data_c); it != c.code.files.end() && it->second.size() > kCompileDataLimit) {
    SectionSizes d;
    d.module = c.options.name + "_data.o";
    for (const auto& a : c.code.arrays)
      d.rodata += static_cast<size_t>(std::max<int64_t>(a.data.elements(), 1)) * dtype_size(a.data.dtype);
    by_module[d.module] = d;
    sources.erase(std::remove_if(sources.begin(), sources.end(), [&](const auto& x) { return x.second == data_c; }),
                  sources.end());
    data_note = "; " + d.module + " computed from its " + std::to_string(c.code.arrays.size()) +
                " const arrays (source too large to compile quickly)";
  }
  std::vector<std::string> objects;  // every object, sorted
  for (const auto& [_, name] : sources) objects.push_back(object_of(name));
  for (const auto& [name, _] : by_module) objects.push_back(name);
  std::sort(objects.begin(), objects.end());

  const RuntimeObjectCache cache(c, t.label);
  std::erase_if(sources, [&](const auto& x) { return RuntimeObjectCache::cacheable(x.second) && cache.restore(x.second, dir); });
  if (!sources.empty()) {
    if (auto why = compile_sources(sources, t, dir)) {
      c.sections_toolchain = t.label + " (not measured: compilation failed" + (why->empty() ? "" : ": " + *why) + ")";
      return;
    }
    for (const auto& [_, name] : sources)
      if (RuntimeObjectCache::cacheable(name)) cache.store(name, dir);
  }

  std::vector<std::string> compiled;
  for (const auto& o : objects)
    if (fs::exists(dir / o)) compiled.push_back(o);
  std::string size_cmd = "cd " + quote(dir.string()) + " && " + t.size + " -A";
  for (const auto& o : compiled) size_cmd += ' ' + quote(o);
  size_cmd += " >size.txt 2>&1";
  if (!run(size_cmd)) {
    c.sections_toolchain = t.label + " (not measured: " + t.size + " failed)";
    return;
  }
  SectionTable table = parse_size_output(dir / "size.txt");
  const std::string network_o = c.options.name + ".o";
  const bool linked = drop_unlinked_sections(table, compiled, {network_o, c.options.name + "_legacy.o"}, t, dir);
  for (const auto& [obj, secs] : table) {
    SectionSizes z;
    z.module = obj;
    for (const auto& [sec, bytes] : secs) add_section(z, sec, bytes);
    by_module[obj] = z;
  }
  c.sections_toolchain = t.label + (linked ? ", linked with --gc-sections (functions no layer calls are not counted; "
                                             "toolchain libraries (libgcc/libm) are not counted)"
                                           : ", objects not linked (unused kernel functions count; toolchain libraries "
                                             "(libgcc/libm) do not)") +
                         data_note;
  for (const auto& o : objects) {
    auto it = by_module.find(o);
    if (it == by_module.end()) {
      c.sections.clear();
      c.sections_toolchain = t.label + " (not measured: no sizes for " + o + ")";
      return;
    }
    const SectionSizes& z = it->second;
    if (z.text + z.rodata + z.data + z.bss == 0 && o != network_o) continue;  // dropped by the linker
    c.sections.push_back(z);
  }
}

}  // namespace eg::driver
