#include "tools/nrt-trace/svg_timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace nrttrace {
namespace {

constexpr int kLabelWidth = 190, kRightMargin = 20, kTop = 34, kLaneHeight = 26, kBarHeight = 18;
constexpr const char* kRunColor = "#3182bd";
constexpr const char* kQueuedColor = "#c6dbef";
constexpr const char* kFailedColor = "#de2d26";
constexpr const char* kBlockedColor = "#737373";
constexpr const char* kTickColor = "#000000";

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Duration(double us) {
  char buf[48];
  if (std::fabs(us) >= 1000) {
    std::snprintf(buf, sizeof buf, "%.3f ms", us / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f us", us);
  }
  return buf;
}

// One bar to draw, in time; `title` empty for bars that stand for several merged items.
struct Bar {
  double begin, end;
  std::string title;
};

class Canvas {
 public:
  Canvas(double from, double to, int width) : from_(from), to_(to), plot_(width - kLabelWidth - kRightMargin) {}
  double X(double t) const {
    double span = to_ - from_;
    double x = span > 0 ? (t - from_) / span * plot_ : 0;
    return kLabelWidth + std::clamp(x, 0.0, static_cast<double>(plot_));
  }
  int plot_width() const { return plot_; }

  // Draws bars of one colour in a lane, merging those less than half a pixel apart.
  // `outlined`: a thin white edge, so that back-to-back requests stay distinguishable.
  void Bars(std::ostream& out, std::vector<Bar> bars, int lane_y, const char* color, bool outlined = false) const {
    std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.begin < b.begin; });
    size_t k = 0;
    while (k < bars.size()) {
      double x0 = X(bars[k].begin), x1 = X(bars[k].end);
      size_t n = 1;
      // Merge only what would be drawn narrower than a pixel: back-to-back wide bars stay separate.
      while (k + n < bars.size() && X(bars[k + n].begin) - x1 < 0.5 &&
             (x1 - x0 < 1 || X(bars[k + n].end) - X(bars[k + n].begin) < 1))
        x1 = std::max(x1, X(bars[k + n++].end));
      double w = std::max(x1 - x0, 0.5);
      out << "<rect x=\"" << Num(x0) << "\" y=\"" << lane_y + (kLaneHeight - kBarHeight) / 2 << "\" width=\"" << Num(w)
          << "\" height=\"" << kBarHeight << "\" fill=\"" << color << "\""
          << (outlined ? " stroke=\"#ffffff\" stroke-width=\"0.5\"" : "") << ">";
      if (n == 1 && !bars[k].title.empty()) {
        out << "<title>" << Escape(bars[k].title) << "</title>";
      } else if (n > 1) {
        out << "<title>" << n << " items</title>";
      }
      out << "</rect>\n";
      k += n;
    }
  }

  void Ticks(std::ostream& out, std::vector<double> times, int lane_y) const {
    std::vector<double> xs;
    for (double t : times) xs.push_back(std::round(X(t) * 2) / 2);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    for (double x : xs)
      out << "<line x1=\"" << Num(x) << "\" x2=\"" << Num(x) << "\" y1=\"" << lane_y + 1 << "\" y2=\"" << lane_y + 7
          << "\" stroke=\"" << kTickColor << "\" stroke-width=\"0.5\"/>\n";
  }

 private:
  double from_, to_;
  int plot_;
};

// 1, 2 or 5 times a power of ten, giving about `target` ticks over `span`.
double NiceStep(double span, int target) {
  double raw = span / target;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

}  // namespace

void WriteSvg(const TraceData& data, const SvgOptions& options, std::ostream& out) {
  Summary summary = Summarize(data, options.window);
  const double from = summary.begin_us, to = summary.end_us;
  const int width = std::max(options.width, kLabelWidth + kRightMargin + 100);
  Canvas canvas(from, to, width);

  const std::vector<bool> sync = SynchronousRequests(data);
  std::vector<Bar> blocked, host_calls;
  std::vector<double> schedules;
  std::vector<std::vector<Bar>> run(data.tracks.size()), queued(data.tracks.size()), failed(data.tracks.size());
  auto visible = [&](double b, double e) { return e >= from && b <= to; };
  for (size_t k = 0; k < data.requests.size(); ++k) {
    const Request& r = data.requests[k];
    if (!visible(r.schedule, r.end)) continue;
    const std::string& label = data.labels[r.label];
    std::string title = label + ": " + Duration(r.end - r.start) + " at " + Duration(r.start) + ", queued " +
                        Duration(r.start - r.schedule) + (r.ok ? "" : ", failed");
    (r.ok ? run : failed)[r.track].push_back({r.start, r.end, title});
    if (r.start > r.schedule) queued[r.track].push_back({r.schedule, r.start, {}});
    if (r.schedule >= from && r.schedule <= to) schedules.push_back(r.schedule);
    if (sync[k]) blocked.push_back({r.schedule, r.end, "waiting for " + label + ": " + Duration(r.end - r.schedule)});
  }
  for (const HostCall& c : data.host_calls) {
    if (visible(c.start, c.end))
      host_calls.push_back({c.start, c.end, data.labels[c.label] + ": " + Duration(c.end - c.start)});
  }

  std::vector<size_t> order(data.tracks.size());
  for (size_t t = 0; t < order.size(); ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_pair(data.tracks[a].pid, data.tracks[a].tid) <
           std::make_pair(data.tracks[b].pid, data.tracks[b].tid);
  });

  const int lanes = 1 + static_cast<int>(order.size());
  const int axis_y = kTop + lanes * kLaneHeight;
  const int legend_y = axis_y + 34;
  const int height = legend_y + 28;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  char head[160];
  std::snprintf(head, sizeof head, "%llu requests, overlap %.1f %% of device-busy time, max %u in flight",
                static_cast<unsigned long long>(summary.requests), summary.overlap_fraction * 100,
                summary.max_in_flight);
  out << "<text x=\"8\" y=\"20\" font-weight=\"bold\">" << Escape(options.title) << "</text>\n"
      << "<text x=\"" << width - kRightMargin << "\" y=\"20\" text-anchor=\"end\">" << head << "</text>\n";

  auto lane = [&](int index, const std::string& name) {
    int y = kTop + index * kLaneHeight;
    out << "<rect x=\"0\" y=\"" << y << "\" width=\"" << width << "\" height=\"" << kLaneHeight << "\" fill=\""
        << (index % 2 == 0 ? "#f7f7f7" : "#ffffff") << "\"/>\n"
        << "<text x=\"8\" y=\"" << y + kLaneHeight / 2 + 4 << "\">" << Escape(name) << "</text>\n";
    return y;
  };
  int host_y = lane(0, "host (runtime calls)");
  canvas.Bars(out, std::move(blocked), host_y, kBlockedColor);
  canvas.Bars(out, std::move(host_calls), host_y, kBlockedColor);
  canvas.Ticks(out, std::move(schedules), host_y);
  for (size_t i = 0; i < order.size(); ++i) {
    size_t t = order[i];
    int y = lane(static_cast<int>(i) + 1, data.tracks[t].name);
    canvas.Bars(out, std::move(queued[t]), y, kQueuedColor);
    canvas.Bars(out, std::move(run[t]), y, kRunColor, true);
    canvas.Bars(out, std::move(failed[t]), y, kFailedColor, true);
  }

  // Time axis, labelled from the window's start.
  out << "<line x1=\"" << kLabelWidth << "\" x2=\"" << kLabelWidth + canvas.plot_width() << "\" y1=\"" << axis_y
      << "\" y2=\"" << axis_y << "\" stroke=\"#000\"/>\n";
  const double span = to - from;
  if (span > 0) {
    double step = NiceStep(span, 8);
    bool ms = span >= 2000;
    for (double t = 0; t <= span * (1 + 1e-9); t += step) {
      double x = canvas.X(from + t);
      char label[32];
      std::snprintf(label, sizeof label, ms ? "%g ms" : "%g us", ms ? t / 1000 : t);
      out << "<line x1=\"" << Num(x) << "\" x2=\"" << Num(x) << "\" y1=\"" << axis_y << "\" y2=\"" << axis_y + 5
          << "\" stroke=\"#000\"/>\n<text x=\"" << Num(x) << "\" y=\"" << axis_y + 18 << "\" text-anchor=\"middle\">"
          << label << "</text>\n";
    }
  }

  struct Key {
    const char* color;
    const char* text;
  };
  const Key keys[] = {{kRunColor, "request running"},
                      {kQueuedColor, "request queued"},
                      {kFailedColor, "request failed"},
                      {kBlockedColor, "host blocked in a runtime call"}};
  int x = 8;
  for (const Key& k : keys) {
    out << "<rect x=\"" << x << "\" y=\"" << legend_y - 10 << "\" width=\"14\" height=\"12\" fill=\"" << k.color
        << "\"/><text x=\"" << x + 20 << "\" y=\"" << legend_y << "\">" << k.text << "</text>\n";
    x += 40 + static_cast<int>(std::string(k.text).size()) * 7;
  }
  out << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << legend_y - 10 << "\" y2=\"" << legend_y - 3
      << "\" stroke=\"#000\"/><text x=\"" << x + 8 << "\" y=\"" << legend_y << "\">schedule call</text>\n";
  out << "</svg>\n";
}

}  // namespace nrttrace
