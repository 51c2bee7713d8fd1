#include "io/tensor_io.h"

#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "onnx/import.h"
#include "util/error.h"

namespace eg::io {
namespace {

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

DType npy_dtype(const std::string& d, const std::string& where) {
  static const std::pair<const char*, DType> map[] = {
      {"<f4", DType::F32}, {"<f8", DType::F64}, {"|i1", DType::I8},  {"|u1", DType::U8},  {"<i2", DType::I16},
      {"<u2", DType::U16}, {"<i4", DType::I32}, {"<i8", DType::I64}, {"|b1", DType::Bool}};
  for (auto [k, v] : map)
    if (d == k) return v;
  fail(where, "unsupported .npy dtype '" + d + "'");
}

std::string npy_descr(DType t) {
  switch (t) {
    case DType::F32: return "<f4";
    case DType::F64: return "<f8";
    case DType::I8: return "|i1";
    case DType::U8: return "|u1";
    case DType::I16: return "<i2";
    case DType::U16: return "<u2";
    case DType::I32: return "<i4";
    case DType::I64: return "<i8";
    case DType::Bool: return "|b1";
    default: return "|V1";
  }
}

Tensor parse_npy(const std::string& bytes, const std::string& where) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail(where, "not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t hlen, off;
  if (major == 1) {
    hlen = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    off = 10;
  } else {
    if (bytes.size() < 12) fail(where, "truncated .npy header");
    hlen = 0;
    for (int i = 0; i < 4; ++i) hlen |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    off = 12;
  }
  if (off + hlen > bytes.size()) fail(where, "truncated .npy header");
  const std::string header = bytes.substr(off, hlen);
  auto field = [&](const std::string& key) {
    auto p = header.find("'" + key + "'");
    if (p == std::string::npos) fail(where, ".npy header lacks " + key);
    return header.substr(header.find(':', p) + 1);
  };
  std::string descr = field("descr");
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  if (field("fortran_order").find("True") < field("fortran_order").find(','))
    fail(where, "Fortran-ordered .npy arrays are not supported");
  std::string shape = field("shape");
  shape = shape.substr(shape.find('(') + 1);
  shape = shape.substr(0, shape.find(')'));
  Tensor t;
  t.dtype = npy_dtype(descr, where);
  std::stringstream ss(shape);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item.find_first_not_of(' ') != std::string::npos) t.shape.push_back(std::stoll(item));
  t.shape_known = true;
  const size_t data_off = off + hlen;
  if (bytes.size() - data_off < t.bytes()) fail(where, "truncated .npy data");
  t.data.assign(bytes.begin() + static_cast<long>(data_off), bytes.begin() + static_cast<long>(data_off + t.bytes()));
  return t;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A .csv file: one sample per line, its values flattened, separated by commas (or ';', tabs,
// spaces); '#' lines and a first line that is not numbers (a header) are skipped.
Tensor parse_csv(const std::string& text, const std::string& where) {
  Tensor t;
  t.dtype = DType::F32;
  std::vector<float> values;
  int64_t rows = 0, cols = -1;
  std::istringstream lines(text);
  std::string line;
  for (size_t no = 1; std::getline(lines, line); ++no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t,;") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
    std::vector<float> row;
    bool numeric = true;
    for (size_t pos = 0; pos < line.size();) {
      const size_t end = std::min(line.find_first_of(",;\t ", pos), line.size());
      const std::string item = line.substr(pos, end - pos);
      pos = end + 1;
      if (item.empty()) continue;
      char* stop = nullptr;
      const double v = std::strtod(item.c_str(), &stop);
      if (stop == item.c_str() || *stop != '\0') {
        numeric = false;
        break;
      }
      row.push_back(static_cast<float>(v));
    }
    if (!numeric) {
      if (rows == 0 && values.empty()) continue;  // the header
      fail(where, "line " + std::to_string(no) + " is not a list of numbers");
    }
    if (cols >= 0 && static_cast<int64_t>(row.size()) != cols)
      fail(where, "line " + std::to_string(no) + " has " + std::to_string(row.size()) + " values, the first row " +
                      std::to_string(cols));
    cols = static_cast<int64_t>(row.size());
    values.insert(values.end(), row.begin(), row.end());
    ++rows;
  }
  if (rows == 0) fail(where, "no rows of numbers");
  t.shape = {rows, cols};
  t.shape_known = true;
  t.data.resize(values.size() * sizeof(float));
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

}  // namespace

std::vector<Tensor> load_tensors(const std::string& path) {
  if (ends_with(path, ".csv")) {
    Tensor t = parse_csv(read_all(path), path);
    t.name = path;
    return {t};
  }
  if (ends_with(path, ".pb")) return {onnx_import::load_tensor_pb(path)};
  if (ends_with(path, ".npy")) {
    Tensor t = parse_npy(read_all(path), path);
    t.name = path;
    return {t};
  }
  if (ends_with(path, ".npz")) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!z) fail(path, "cannot open .npz archive");
    std::vector<Tensor> out;
    const zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
      zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
      if (!f) continue;
      std::string buf(static_cast<size_t>(st.size), '\0');
      const zip_int64_t got = zip_fread(f, buf.data(), st.size);
      zip_fclose(f);
      if (got != static_cast<zip_int64_t>(st.size)) {
        zip_close(z);
        fail(path, "truncated entry in .npz");
      }
      Tensor t = parse_npy(buf, path + ":" + st.name);
      t.name = st.name;
      if (ends_with(t.name, ".npy")) t.name.resize(t.name.size() - 4);
      out.push_back(std::move(t));
    }
    zip_close(z);
    return out;
  }
  fail(path, "unknown tensor file type (use .npy, .npz, .pb or .csv)");
}

std::string npy_bytes(const Tensor& t) {
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i) shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 ? "," : (i + 1 < t.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = "{'descr': '" + npy_descr(t.dtype) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size());
  return out;
}

void save_npy(const Tensor& t, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << npy_bytes(t);
  if (!out) fail(path, "cannot write file");
}

std::string npz_bytes(const std::vector<std::pair<std::string, Tensor>>& arrays) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* mem = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_t* z = mem ? zip_open_from_source(mem, ZIP_TRUNCATE, &err) : nullptr;
  if (!z) {
    if (mem) zip_source_free(mem);
    zip_error_fini(&err);
    throw CompileError("internal: cannot create an in-memory .npz archive");
  }
  zip_source_keep(mem);  // read back after zip_close
  std::vector<std::string> payloads;  // alive until zip_close writes them
  payloads.reserve(arrays.size());
  bool ok = true;
  for (const auto& [name, t] : arrays) {
    payloads.push_back(npy_bytes(t));
    zip_source_t* s = zip_source_buffer(z, payloads.back().data(), payloads.back().size(), 0);
    const zip_int64_t idx = s ? zip_file_add(z, (name + ".npy").c_str(), s, ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
      if (s) zip_source_free(s);
      ok = false;
      break;
    }
    // a fixed date: the same arrays give the same bytes
    zip_file_set_mtime(z, static_cast<zip_uint64_t>(idx), 315532800, 0);
  }
  std::string out;
  const bool closed = ok && zip_close(z) == 0;
  if (!closed) zip_discard(z);
  ok = closed && zip_source_open(mem) == 0;
  if (ok) {
    char buf[65536];
    zip_int64_t n;
    while ((n = zip_source_read(mem, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    zip_source_close(mem);
  }
  zip_source_free(mem);
  zip_error_fini(&err);
  if (!ok) throw CompileError("internal: cannot write an in-memory .npz archive");
  return out;
}

}  // namespace eg::io
