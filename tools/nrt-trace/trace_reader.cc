#include "tools/nrt-trace/trace_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace nrttrace {
namespace {

constexpr size_t kMaxLabelBytes = 256;
const char* const kOtherLabel = "(other)";

// Bytes of the input with a guard against a single huge token: nlohmann's lexer keeps the whole
// current token (a string or a number) in memory, so without this a file holding one 4 GB string
// would cost 4 GB. Past the limit the source reports end of input and remembers why.
class GuardedSource {
 public:
  GuardedSource(std::istream& in, uint64_t max_token) : in_(in), max_token_(max_token) {}

  int Peek() {
    if (current_ == kUnloaded) current_ = Load();
    return current_;
  }
  void Advance() { current_ = kUnloaded; }
  uint64_t offset() const { return offset_; }
  const std::string& stop_reason() const { return stop_reason_; }
  bool read_failed() const { return read_failed_; }

 private:
  static constexpr int kUnloaded = -2;

  int Load() {
    if (!stop_reason_.empty()) return -1;
    if (pos_ == len_) {
      in_.read(buf_, sizeof buf_);
      len_ = static_cast<size_t>(in_.gcount());
      pos_ = 0;
      if (len_ == 0) {
        if (in_.bad()) read_failed_ = true;
        return -1;
      }
    }
    const unsigned char c = static_cast<unsigned char>(buf_[pos_++]);
    ++offset_;
    Track(c);
    if (token_ > max_token_) {
      stop_reason_ = "a JSON token (string or number) longer than " + std::to_string(max_token_) + " bytes at byte " +
                     std::to_string(offset_ - token_);
      return -1;
    }
    return c;
  }

  // Follows strings (with escapes) so that only bytes of one token count toward the limit.
  void Track(unsigned char c) {
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        token_ = 0;
        return;
      }
      ++token_;
      return;
    }
    if (c == '"') {
      in_string_ = true;
      token_ = 0;
    } else if (std::strchr(" \t\r\n[]{}:,", c) != nullptr || c == 0) {
      token_ = 0;
    } else {
      ++token_;
    }
  }

  std::istream& in_;
  const uint64_t max_token_;
  char buf_[64 * 1024];
  size_t pos_ = 0, len_ = 0;
  uint64_t offset_ = 0;
  int current_ = kUnloaded;
  bool in_string_ = false, escape_ = false, read_failed_ = false;
  uint64_t token_ = 0;
  std::string stop_reason_;
};

// Single-pass input iterator over a GuardedSource, the shape nlohmann's iterator adapter expects.
class SourceIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  explicit SourceIterator(GuardedSource* src = nullptr) : src_(src) {}
  char operator*() const { return static_cast<char>(src_->Peek()); }
  SourceIterator& operator++() {
    src_->Advance();
    return *this;
  }
  bool operator==(const SourceIterator& o) const { return AtEnd() == o.AtEnd(); }
  bool operator!=(const SourceIterator& o) const { return !(*this == o); }

 private:
  bool AtEnd() const { return src_ == nullptr || src_->Peek() < 0; }
  GuardedSource* src_;
};

struct Event {
  std::string name, cat, ph, args_name, args_status;
  std::optional<double> ts, dur, queued_us;
  std::optional<uint64_t> pid, tid;
  bool pid_bad = false, tid_bad = false;
};

std::string_view DefaultUnitName(uint32_t tid) {
  switch (tid / 16) {
    case 0:
      return "tensor_op";
    case 1:
      return "compute";
    case 2:
      return "collectives";
    default:
      return "unit";
  }
}

// Builds TraceData from SAX callbacks. Positions: the events array is open at depth events_depth_;
// an event object at events_depth_ + 1, its "args" at events_depth_ + 2; deeper values are skipped.
class Builder : public nlohmann::json_sax<nlohmann::json> {
 public:
  Builder(const std::string& what, const ReadLimits& limits) : what_(what), limits_(limits) {}

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t v) override { return Number(static_cast<double>(v), v >= 0, v); }
  bool number_unsigned(number_unsigned_t v) override { return Number(static_cast<double>(v), true, v); }
  bool number_float(number_float_t v, const string_t&) override { return Number(v, false, 0); }
  bool binary(binary_t&) override { return true; }

  bool string(string_t& s) override {
    if (!Scalar()) return false;
    if (InEvent()) {
      if (key_ == "name") ev_.name = Cut(s);
      if (key_ == "cat") ev_.cat = Cut(s);
      if (key_ == "ph") ev_.ph = Cut(s);
      if (key_ == "pid") ev_.pid_bad = true;
      if (key_ == "tid") ev_.tid_bad = true;
    } else if (InArgs()) {
      if (key_ == "name") ev_.args_name = Cut(s);
      if (key_ == "status") ev_.args_status = Cut(s);
    }
    return true;
  }

  bool start_object(std::size_t) override {
    if (AtEventsElement()) {
      ev_ = Event{};
    } else if (InEvent() && key_ == "args") {
      args_open_ = true;
    } else if (depth_ == 1 && awaiting_events_) {
      return Fail("\"traceEvents\" is not an array");
    }
    return Open();
  }

  bool end_object() override {
    --depth_;
    if (events_depth_ != 0 && depth_ == events_depth_) {
      if (!Finish()) return false;
      ++index_;
    } else if (events_depth_ != 0 && depth_ == events_depth_ + 1) {
      args_open_ = false;
    }
    key_.clear();
    return true;
  }

  bool start_array(std::size_t) override {
    if (depth_ == 0 || (depth_ == 1 && awaiting_events_)) {
      if (events_seen_) return Fail("more than one \"traceEvents\" array");
      events_seen_ = true;
      awaiting_events_ = false;
      if (!Open()) return false;
      events_depth_ = depth_;
      return true;
    }
    if (AtEventsElement()) return Fail(Where() + " is not an object");
    return Open();
  }

  bool end_array() override {
    if (events_depth_ != 0 && depth_ == events_depth_) events_depth_ = 0;
    --depth_;
    key_.clear();
    return true;
  }

  bool key(string_t& k) override {
    if (depth_ == 1 && events_depth_ == 0) awaiting_events_ = k == "traceEvents";
    if (InEvent() || InArgs()) key_ = k.size() <= 32 ? k : std::string();
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    parse_error_ = "not valid JSON at byte " + std::to_string(position) + ": " + ex.what();
    return false;
  }

  // The error that stopped the parse, or "" when the document ended cleanly.
  const std::string& error() const { return error_; }
  const std::string& parse_error_message() const { return parse_error_; }
  bool events_seen() const { return events_seen_; }
  bool awaiting_events() const { return awaiting_events_; }

  TraceData Take() {
    for (auto& [key, index] : track_index_) {
      auto named = track_names_.find(key);
      Track& t = data_.tracks[index];
      if (named != track_names_.end()) {
        t.name = "LNC " + std::to_string(key.first) + " " + named->second;
      } else {
        t.name = "LNC " + std::to_string(key.first) + " " + std::string(DefaultUnitName(key.second)) + " q" +
                 std::to_string(key.second % 16);
      }
    }
    return std::move(data_);
  }

 private:
  bool InEvent() const { return events_depth_ != 0 && depth_ == events_depth_ + 1; }
  bool InArgs() const { return events_depth_ != 0 && depth_ == events_depth_ + 2 && args_open_; }
  bool AtEventsElement() const { return events_depth_ != 0 && depth_ == events_depth_; }
  std::string Where() const { return "traceEvents[" + std::to_string(index_) + "]"; }
  // Cuts at a UTF-8 character boundary (the parser has checked the encoding) and turns control
  // characters into '?', so that names are safe in a table or an SVG.
  static std::string Cut(const std::string& s) {
    size_t n = std::min(s.size(), kMaxLabelBytes);
    while (n < s.size() && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    std::string out = s.substr(0, n);
    for (char& c : out)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
    return out;
  }

  bool Fail(const std::string& message) {
    if (error_.empty()) error_ = message;
    return false;
  }

  bool Open() {
    if (++depth_ > limits_.max_depth)
      return Fail("JSON nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    return true;
  }

  // A scalar where the events array or one of its events should be.
  bool Scalar() {
    if (depth_ == 1 && awaiting_events_) return Fail("\"traceEvents\" is not an array");
    if (AtEventsElement()) return Fail(Where() + " is not an object");
    return true;
  }

  static void SetId(std::optional<uint64_t>* id, bool* bad, bool valid, uint64_t u) {
    if (valid && u <= UINT32_MAX) {
      *id = u;
    } else {
      *bad = true;
    }
  }

  bool Number(double v, bool non_negative_integer, uint64_t u) {
    if (!Scalar()) return false;
    if (InEvent()) {
      if (key_ == "ts") ev_.ts = v;
      if (key_ == "dur") ev_.dur = v;
      if (key_ == "pid") SetId(&ev_.pid, &ev_.pid_bad, non_negative_integer, u);
      if (key_ == "tid") SetId(&ev_.tid, &ev_.tid_bad, non_negative_integer, u);
    } else if (InArgs()) {
      if (key_ == "queued_us") ev_.queued_us = v;
    }
    return true;
  }

  uint32_t Label(const std::string& name) {
    auto it = label_index_.find(name);
    if (it != label_index_.end()) return it->second;
    if (data_.labels.size() >= limits_.max_labels) {
      if (other_label_ == UINT32_MAX) {
        other_label_ = static_cast<uint32_t>(data_.labels.size());
        data_.labels.emplace_back(kOtherLabel);
      }
      return other_label_;
    }
    uint32_t index = static_cast<uint32_t>(data_.labels.size());
    data_.labels.push_back(name);
    label_index_.emplace(name, index);
    return index;
  }

  bool Keep() {
    if (data_.requests.size() + data_.host_calls.size() >= limits_.max_kept_events)
      return Fail("more than " + std::to_string(limits_.max_kept_events) + " requests and host calls");
    return true;
  }

  bool Times(double* start, double* end) {
    if (!ev_.ts || !std::isfinite(*ev_.ts)) return Fail(Where() + ": \"ts\" is missing or not a finite number");
    double dur = 0;
    if (ev_.ph == "X") {
      if (!ev_.dur || !std::isfinite(*ev_.dur) || *ev_.dur < 0)
        return Fail(Where() + ": complete event without a finite, non-negative \"dur\"");
      dur = *ev_.dur;
    }
    *start = *ev_.ts;
    *end = *ev_.ts + dur;
    if (!std::isfinite(*end)) return Fail(Where() + ": \"ts\" + \"dur\" overflows");
    return true;
  }

  bool Finish() {
    if (ev_.ph.empty()) return Fail(Where() + ": no \"ph\" (event type)");
    bool instant = ev_.ph == "i" || ev_.ph == "I";
    if (ev_.ph == "M") {
      if (ev_.name == "thread_name" && ev_.pid && ev_.tid && !ev_.args_name.empty()) {
        auto key = std::make_pair(static_cast<uint32_t>(*ev_.pid), static_cast<uint32_t>(*ev_.tid));
        if (track_names_.size() < limits_.max_tracks || track_names_.count(key) != 0) track_names_[key] = ev_.args_name;
      }
      return true;
    }
    bool request = ev_.ph == "X" && ev_.cat == "request";
    bool host_call = (ev_.ph == "X" && ev_.cat == "tensor_op") || (instant && ev_.cat == "model");
    if (instant && ev_.cat == "fatal") {
      ++data_.fatal_events;
      return true;
    }
    if (!request && !host_call) {
      ++data_.ignored_events;
      return true;
    }
    double start = 0, end = 0;
    if (!Times(&start, &end) || !Keep()) return false;
    if (host_call) {
      data_.host_calls.push_back({Label(ev_.name), start, end});
      return true;
    }
    if (!ev_.pid || !ev_.tid || ev_.pid_bad || ev_.tid_bad)
      return Fail(Where() + ": request without a numeric \"pid\" and \"tid\" (its execution unit)");
    double queued = ev_.queued_us.value_or(0);
    if (!std::isfinite(queued) || queued < 0)
      return Fail(Where() + ": \"args.queued_us\" is not a non-negative number");
    auto key = std::make_pair(static_cast<uint32_t>(*ev_.pid), static_cast<uint32_t>(*ev_.tid));
    auto it = track_index_.find(key);
    if (it == track_index_.end()) {
      if (data_.tracks.size() >= limits_.max_tracks)
        return Fail("more than " + std::to_string(limits_.max_tracks) + " execution-unit tracks");
      it = track_index_.emplace(key, static_cast<uint32_t>(data_.tracks.size())).first;
      data_.tracks.push_back({key.first, key.second, {}});
    }
    bool ok = ev_.args_status.empty() || ev_.args_status == "NRT_SUCCESS";
    data_.requests.push_back({it->second, Label(ev_.name), start - queued, start, end, ok});
    return true;
  }

  const std::string what_;
  const ReadLimits limits_;
  TraceData data_;
  std::map<std::string, uint32_t> label_index_;
  uint32_t other_label_ = UINT32_MAX;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> track_index_;
  std::map<std::pair<uint32_t, uint32_t>, std::string> track_names_;
  uint32_t depth_ = 0, events_depth_ = 0;
  bool awaiting_events_ = false, events_seen_ = false, args_open_ = false;
  uint64_t index_ = 0;
  std::string key_;
  Event ev_;
  std::string error_, parse_error_;
};

}  // namespace

TraceData ReadTrace(std::istream& in, const std::string& what, const ReadLimits& limits) {
  GuardedSource source(in, limits.max_token_bytes);
  Builder builder(what, limits);
  bool ok = nlohmann::json::sax_parse(SourceIterator(&source), SourceIterator(), &builder);
  if (source.read_failed()) throw TraceError(what + ": read error at byte " + std::to_string(source.offset()));
  if (!source.stop_reason().empty()) throw TraceError(what + ": " + source.stop_reason());
  if (!builder.error().empty()) throw TraceError(what + ": " + builder.error());
  if (!ok || !builder.parse_error_message().empty())
    throw TraceError(
        what + ": " +
        (builder.parse_error_message().empty() ? std::string("not valid JSON") : builder.parse_error_message()));
  if (!builder.events_seen()) throw TraceError(what + ": no \"traceEvents\" array (not a Chrome trace-event file)");
  return builder.Take();
}

TraceData ReadTraceFile(const std::string& path, const ReadLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open: " + std::strerror(errno));
  return ReadTrace(in, path, limits);
}

}  // namespace nrttrace
