#include "driver/sections.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
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

}  // namespace

void measure_sections(Compiled& c, const std::string& workdir) {
  c.sections.clear();
  const std::string opt = policy(c.options.optimization).c_opt_flag;
  const std::string common = "-std=c99 -ffunction-sections -fdata-sections " + opt;
  std::string cc = "arm-none-eabi-gcc", size = "arm-none-eabi-size", flags, label;
  if (c.options.target.is_host()) {
    cc = "cc";
    size = "size";
    flags = common;
    label = "host cc " + flags + " (host target)";
  } else if (toolchain::find_tool(cc).empty() || toolchain::find_tool(size).empty()) {
    cc = "cc";
    size = "size";
    flags = common;
    label = "host cc " + flags + " (host sizes, arm-none-eabi-gcc not found)";
  } else {
    flags = c.options.target.cflags() + " " + common;
    label = cc + " " + flags;
  }

  const fs::path dir = fs::path(workdir) / "sections";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  std::vector<std::pair<size_t, std::string>> sources;  // (bytes, file) of every .c
  for (const auto& [name, content] : c.code.files) {
    std::ofstream f(dir / name, std::ios::binary);
    f << content;
    if (!f) {
      c.sections_toolchain = label + " (not measured: cannot write " + (dir / name).string() + ")";
      return;
    }
    if (name.size() > 2 && name.compare(name.size() - 2, 2, ".c") == 0) sources.emplace_back(content.size(), name);
  }
  // A large network_data.c (the weights as text) takes seconds to compile; its object is
  // nothing but the const arrays, one .rodata section each, so its sizes are computed.
  std::map<std::string, SectionSizes> by_module;  // object -> sizes
  const std::string data_c = c.options.name + "_data.c";
  if (auto it = c.code.files.find(data_c); it != c.code.files.end() && it->second.size() > kCompileDataLimit) {
    SectionSizes d;
    d.module = c.options.name + "_data.o";
    for (const auto& a : c.code.arrays)
      d.rodata += static_cast<size_t>(std::max<int64_t>(a.data.elements(), 1)) * dtype_size(a.data.dtype);
    by_module[d.module] = d;
    sources.erase(std::remove_if(sources.begin(), sources.end(), [&](const auto& x) { return x.second == data_c; }),
                  sources.end());
    c.sections_toolchain += "; " + d.module + " computed from its " + std::to_string(c.code.arrays.size()) +
                            " const arrays (source too large to compile quickly)";
  }
  // Runtime units are the same for every network: their objects, compiled once per process,
  // are reused...
  static std::mutex cache_mutex;
  static std::map<std::string, std::string> cache;  // toolchain + runtime sources -> object bytes
  std::string runtime_headers;
  for (const auto& [name, content] : c.code.files)
    if (name.rfind("eg_", 0) == 0 && name.size() > 2 && name.compare(name.size() - 2, 2, ".h") == 0)
      runtime_headers += name + '\0' + content + '\0';
  auto cache_key = [&](const std::string& name) {
    return label + '\0' + name + '\0' + c.code.files.at(name) + '\0' + runtime_headers;
  };
  auto object_of = [](const std::string& src) { return src.substr(0, src.size() - 2) + ".o"; };
  // ...and across processes, in a small on-disk cache (a runtime unit compiles
  // in ~0.1-0.4 s; generate should stay well under that).
  auto disk_path = [&](const std::string& name) -> fs::path {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = xdg && *xdg ? fs::path(xdg) : home && *home ? fs::path(home) / ".cache" : fs::path();
    if (base.empty()) return {};
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : cache_key(name)) h = (h ^ ch) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return base / "edgegen" / "objects" / (std::string(hex) + ".o");
  };
  auto read_file = [](const fs::path& f, std::string& out) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return !out.empty();
  };
  std::vector<std::string> objects;  // every object, sorted
  for (const auto& [_, name] : sources) objects.push_back(object_of(name));
  for (const auto& [name, _] : by_module) objects.push_back(name);
  std::sort(objects.begin(), objects.end());
  {
    // cached runtime objects go straight into the folder; the rest is compiled
    std::lock_guard<std::mutex> lock(cache_mutex);
    sources.erase(std::remove_if(sources.begin(), sources.end(),
                                 [&](const auto& x) {
                                   if (x.second.rfind("eg_", 0) != 0) return false;
                                   auto it = cache.find(cache_key(x.second));
                                   std::string bytes;
                                   if (it != cache.end()) bytes = it->second;
                                   else if (const fs::path p = disk_path(x.second); p.empty() || !read_file(p, bytes))
                                     return false;
                                   cache[cache_key(x.second)] = bytes;
                                   std::ofstream(dir / object_of(x.second), std::ios::binary) << bytes;
                                   return true;
                                 }),
                  sources.end());
  }

  if (!sources.empty()) {
    // Two compiler processes (2 cores), balanced by source size; each compiles its files with one -c.
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
      std::string cmd = cc + " " + flags + " -pipe -I. -c";
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
    if (!run(cmd)) {
      std::string why = first_line(dir / "cc0.log");
      if (why.empty()) why = first_line(dir / "cc1.log");
      c.sections_toolchain = label + " (not measured: compilation failed" + (why.empty() ? "" : ": " + why) + ")";
      return;
    }
    std::lock_guard<std::mutex> lock(cache_mutex);
    for (const auto& [_, name] : sources) {
      std::string bytes;
      if (name.rfind("eg_", 0) != 0 || !read_file(dir / object_of(name), bytes)) continue;
      cache[cache_key(name)] = bytes;
      const fs::path p = disk_path(name);
      std::error_code ec;
      if (p.empty() || (!fs::create_directories(p.parent_path(), ec) && ec)) continue;
      const fs::path tmp = p.string() + ".tmp" + std::to_string(::getpid());
      std::ofstream(tmp, std::ios::binary) << bytes;
      fs::rename(tmp, p, ec);
    }
  }

  // Section sizes of every compiled object.
  std::vector<std::string> compiled;
  for (const auto& o : objects)
    if (fs::exists(dir / o)) compiled.push_back(o);
  std::string size_cmd = "cd " + quote(dir.string()) + " && " + size + " -A";
  for (const auto& o : compiled) size_cmd += ' ' + quote(o);
  size_cmd += " >size.txt 2>&1";
  if (!run(size_cmd)) {
    c.sections_toolchain = label + " (not measured: " + size + " failed)";
    return;
  }
  std::map<std::string, std::multimap<std::string, size_t>> section_sizes;  // object -> section -> bytes
  {
    std::ifstream in(dir / "size.txt");
    std::string line, current;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string first, second;
      ls >> first >> second;
      if (first.empty()) continue;
      if (second == ":" || (first.back() == ':' && second.empty())) {  // "network.o  :" starts an object
        current = first.back() == ':' ? first.substr(0, first.size() - 1) : first;
        section_sizes[current];
        continue;
      }
      if (current.empty() || first[0] != '.') continue;
      try {
        section_sizes[current].emplace(first, static_cast<size_t>(std::stoull(second)));
      } catch (const std::exception&) {
      }
    }
  }
  // The cross toolchain links the objects with --gc-sections (the network's API functions
  // as roots, library calls left unresolved): what the linker drops is not counted, as in a
  // firmware. Without it, or if that link fails, the objects' full sizes are reported.
  bool linked = false;
  if (cc == "arm-none-eabi-gcc" && section_sizes.count("network.o") && !toolchain::find_tool("arm-none-eabi-nm").empty()) {
    std::string roots, link = "cd " + quote(dir.string()) + " && arm-none-eabi-nm -g --defined-only network.o >nm.txt 2>&1";
    if (run(link)) {
      std::ifstream in(dir / "nm.txt");
      std::string addr, type, sym;
      while (in >> addr >> type >> sym)
        if (type == "T") roots += " -Wl,-u," + sym;
    }
    if (!roots.empty()) {
      link = "cd " + quote(dir.string()) + " && " + cc + " " + flags +
             " -nostdlib -nostartfiles -Wl,--gc-sections -Wl,--print-gc-sections"
             " -Wl,--unresolved-symbols=ignore-all -Wl,-e,0" + roots + " -o linked.elf";
      for (const auto& o : compiled) link += ' ' + quote(o);
      link += " >link.log 2>&1";
      if (run(link)) {
        linked = true;
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
          auto& secs = section_sizes[obj];
          if (auto it = secs.find(sec); it != secs.end()) secs.erase(it);
        }
      }
    }
  }
  for (const auto& [obj, secs] : section_sizes) {
    SectionSizes z;
    z.module = obj;
    for (const auto& [sec, bytes] : secs) add_section(z, sec, bytes);
    by_module[obj] = z;
  }
  c.sections_toolchain = label + (linked ? ", linked with --gc-sections (functions no layer calls are not counted; "
                                           "toolchain libraries (libgcc/libm) are not counted)"
                                         : ", objects not linked (unused kernel functions count; toolchain libraries "
                                           "(libgcc/libm) do not)");
  for (const auto& o : objects) {
    auto it = by_module.find(o);
    if (it == by_module.end()) {
      c.sections.clear();
      c.sections_toolchain = label + " (not measured: no sizes for " + o + ")";
      return;
    }
    const SectionSizes& z = it->second;
    if (z.text + z.rodata + z.data + z.bss == 0 && o != "network.o") continue;  // dropped by the linker
    c.sections.push_back(z);
  }
}

}  // namespace eg::driver
