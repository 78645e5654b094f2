#include "runtime/neff/npy.h"

#include <array>
#include <limits>
#include <optional>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr size_t kPreambleV1 = 10;  // magic, 2 version bytes, uint16 header length
constexpr size_t kPreambleV2 = 12;  // magic, 2 version bytes, uint32 header length
constexpr size_t kHeaderAlignment = 64;

struct DescrType {
  std::string_view code;  // descr without its byte-order character
  DType dtype;
};
constexpr std::array<DescrType, 10> kDescrs = {{
    {"f4", DType::kFloat32},
    {"f2", DType::kFloat16},
    {"i1", DType::kInt8},
    {"u1", DType::kUint8},
    {"i2", DType::kInt16},
    {"u2", DType::kUint16},
    {"i4", DType::kInt32},
    {"u4", DType::kUint32},
    {"i8", DType::kInt64},
    {"u8", DType::kUint64},
}};
constexpr std::string_view kRaw2Code = "V2";

[[noreturn]] void Fail(std::string_view what, const std::string& problem) {
  ThrowInvalid("%.*s: %s", static_cast<int>(what.size()), what.data(), problem.c_str());
}

// The header of a .npy file is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// This reads exactly that grammar: string keys, and string, True/False or int-tuple values.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view what) : text_(text), what_(what) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    Shape shape;
  };

  Header Parse() {
    Header h;
    bool have_descr = false, have_order = false, have_shape = false;
    Expect('{');
    while (!TryConsume('}')) {
      const std::string key = ReadString();
      Expect(':');
      if (key == "descr") {
        Once(&have_descr, key);
        h.descr = ReadString();
      } else if (key == "fortran_order") {
        Once(&have_order, key);
        h.fortran_order = ReadBool();
      } else if (key == "shape") {
        Once(&have_shape, key);
        h.shape = ReadShape();
      } else {
        Fail(what_, "header has unexpected key '" + key + "'");
      }
      if (!TryConsume(',')) {
        Expect('}');
        break;
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) Fail(what_, "header has trailing characters after the dict");
    if (!have_descr || !have_order || !have_shape) {
      Fail(what_, "header must have the keys 'descr', 'fortran_order' and 'shape'");
    }
    return h;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t')) ++pos_;
  }
  bool TryConsume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!TryConsume(c))
      Fail(what_, std::string("malformed header: expected '") + c + "' at offset " + std::to_string(pos_));
  }
  void Once(bool* seen, const std::string& key) {
    if (*seen) Fail(what_, "header repeats key '" + key + "'");
    *seen = true;
  }
  std::string ReadString() {
    SkipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      Fail(what_, "malformed header: expected a quoted string at offset " + std::to_string(pos_));
    }
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) Fail(what_, "malformed header: unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    if (s.find('\\') != std::string::npos) Fail(what_, "malformed header: escapes in strings are not supported");
    pos_ = end + 1;
    return s;
  }
  bool ReadBool() {
    SkipSpace();
    for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    Fail(what_, "malformed header: fortran_order must be True or False");
  }
  uint32_t ReadDim() {
    SkipSpace();
    const size_t start = pos_;
    uint64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      v = v * 10 + static_cast<uint64_t>(text_[pos_++] - '0');
      if (v > std::numeric_limits<uint32_t>::max()) Fail(what_, "shape has a dim larger than 4294967295");
    }
    if (pos_ == start) Fail(what_, "malformed header: shape entries must be non-negative integers");
    if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long literal, as old NumPy wrote
    return static_cast<uint32_t>(v);
  }
  Shape ReadShape() {
    Expect('(');
    Shape shape;
    bool trailing_comma = false;
    while (!TryConsume(')')) {
      if (shape.size() == kMaxRank) Fail(what_, "shape has more than " + std::to_string(kMaxRank) + " dims");
      shape.push_back(ReadDim());
      trailing_comma = TryConsume(',');
      if (!trailing_comma) {
        Expect(')');
        break;
      }
    }
    // In Python "(3)" is the int 3, not a tuple: NumPy rejects it, and so do we.
    if (shape.size() == 1 && !trailing_comma) Fail(what_, "malformed header: shape (n) must be written (n,)");
    return shape;
  }

  std::string_view text_;
  std::string_view what_;
  size_t pos_ = 0;
};

DType DTypeFromDescr(const std::string& descr, std::string_view what, bool raw2_is_bfloat16) {
  if (descr.size() < 2) Fail(what, "unsupported descr '" + descr + "'");
  const char order = descr[0];
  const std::string_view code = std::string_view(descr).substr(1);
  if (order == '>') Fail(what, "big-endian data (descr '" + descr + "') is not supported; save it little-endian");
  if (order != '<' && order != '|') Fail(what, "unsupported descr '" + descr + "'");
  if (code == kRaw2Code) {
    if (!raw2_is_bfloat16) {
      Fail(what, "descr '" + descr + "' (raw 2-byte records) is accepted only for a bfloat16 constant");
    }
    return DType::kBFloat16;
  }
  for (const DescrType& d : kDescrs) {
    if (code != d.code) continue;
    if (order == '|' && DTypeSize(d.dtype) != 1) Fail(what, "descr '" + descr + "' has no byte order");
    return d.dtype;
  }
  Fail(what, "unsupported descr '" + descr + "' (float32, float16, bfloat16 as <V2, and 8-64 bit integers only)");
}

std::string DescrOf(DType dtype) {
  if (dtype == DType::kBFloat16) return "<" + std::string(kRaw2Code);
  for (const DescrType& d : kDescrs) {
    if (d.dtype == dtype) return (DTypeSize(dtype) == 1 ? "|" : "<") + std::string(d.code);
  }
  ThrowInvalid("npy: dtype %s has no .npy descr", DTypeName(dtype));
}

uint32_t ReadLittleEndian(std::string_view bytes) {
  uint32_t v = 0;
  for (size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

// product(shape) * itemsize, or nullopt past 64 bits.
std::optional<uint64_t> ByteSize(const Shape& shape, uint32_t itemsize) {
  uint64_t n = itemsize;
  for (uint32_t d : shape) {
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / d) return std::nullopt;
    n *= d;
  }
  return n;
}

size_t CountDimsAbove1(const Shape& shape) {
  size_t n = 0;
  for (uint32_t d : shape) n += d > 1;
  return n;
}

}  // namespace

NpyArray ParseNpy(std::string_view file, std::string_view what, bool raw2_is_bfloat16) {
  if (file.size() < kPreambleV1 || file.substr(0, kMagic.size()) != kMagic) {
    Fail(what, "not a .npy file (no \\x93NUMPY magic)");
  }
  const auto major = static_cast<unsigned char>(file[6]);
  if (major < 1 || major > 3) Fail(what, "unsupported .npy format version " + std::to_string(major));
  const size_t preamble = major == 1 ? kPreambleV1 : kPreambleV2;
  if (file.size() < preamble) Fail(what, "truncated .npy preamble");
  const uint64_t header_len = ReadLittleEndian(file.substr(8, preamble - 8));
  if (header_len > kMaxNpyHeaderBytes) {
    Fail(what, "header of " + std::to_string(header_len) + " bytes exceeds " + std::to_string(kMaxNpyHeaderBytes));
  }
  if (file.size() - preamble < header_len) Fail(what, "truncated .npy header");
  const HeaderParser::Header h = HeaderParser(file.substr(preamble, header_len), what).Parse();

  NpyArray array;
  array.dtype = DTypeFromDescr(h.descr, what, raw2_is_bfloat16);
  array.shape = h.shape;
  if (h.fortran_order && CountDimsAbove1(h.shape) > 1) {
    Fail(what, "fortran_order data with more than one dim above 1 is not supported; save it C-ordered");
  }
  const std::optional<uint64_t> bytes = ByteSize(h.shape, DTypeSize(array.dtype));
  array.data = file.substr(preamble + header_len);
  if (!bytes || *bytes != array.data.size()) {
    Fail(what, "data is " + std::to_string(array.data.size()) + " bytes but shape " + ShapeToString(h.shape) + " of " +
                   h.descr + " needs " + (bytes ? std::to_string(*bytes) : std::string("more than 2^64")));
  }
  return array;
}

std::string WriteNpy(DType dtype, const Shape& shape, std::string_view data) {
  const std::string descr = DescrOf(dtype);
  if (shape.size() > kMaxRank) ThrowInvalid("npy: shape has %zu dims (max %zu)", shape.size(), kMaxRank);
  const std::optional<uint64_t> bytes = ByteSize(shape, DTypeSize(dtype));
  if (!bytes || *bytes != data.size()) {
    ThrowInvalid("npy: %zu data bytes do not match shape %s of %s", data.size(), ShapeToString(shape).c_str(),
                 DTypeName(dtype));
  }
  std::string dims;
  for (uint32_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // "(2, 3)" but "(3,)" and "()"
  if (shape.size() == 1) dims.resize(dims.size() - 1);
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces and end with '\n' so the data starts 64-byte aligned, byte for byte as NumPy
  // does (it pads a full 64 when already aligned). With at most kMaxRank dims the header always
  // fits the 16-bit length of format 1.0.
  const size_t padding = kHeaderAlignment - (kPreambleV1 + header.size() + 1) % kHeaderAlignment;
  header.append(padding, ' ');
  header += '\n';

  std::string out(kMagic);
  out += '\x01';  // format 1.0
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(data);
  return out;
}

}  // namespace nrtb
