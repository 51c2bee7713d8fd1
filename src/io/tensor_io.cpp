#include "io/tensor_io.h"

#include <zip.h>

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

}  // namespace

std::vector<Tensor> load_tensors(const std::string& path) {
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
  fail(path, "unknown tensor file type (use .npy, .npz or .pb)");
}

void save_npy(const Tensor& t, const std::string& path) {
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i) shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 ? "," : (i + 1 < t.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = "{'descr': '" + npy_descr(t.dtype) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  out.write(len, 2);
  out << header;
  out.write(reinterpret_cast<const char*>(t.data.data()), static_cast<std::streamsize>(t.data.size()));
  if (!out) fail(path, "cannot write file");
}

}  // namespace eg::io
