// bench.html: a self-contained page (inline CSS and SVG, no scripts, no
// network): the claims table, speedup bars with interval whiskers on a log
// scale, and every variant's samples as dots around their median.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "number_format.hpp"
#include "troupe/scenarios/bench_report.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

using detail::fixed;

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
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
        out += ch;
    }
  }
  return out;
}

constexpr const char* style = R"(<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
h3{font-size:15px;margin:18px 0 4px}
table{border-collapse:collapse;width:100%;table-layout:fixed;word-wrap:break-word;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.confirmed td.verdict{background:#e3f4e3}tr.met_by_median td.verdict{background:#f4f1dc}
tr.not_reached td.verdict{background:#f8e1e1}tr.not_measurable td.verdict{background:#eee}
tr.regression td{background:#f8e1e1}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}
svg{display:block;max-width:100%}
.few{color:#a15c00}
p.meta{color:#555}
</style>)";

/// x position of `v` on a log axis from `lo` to `hi` over `width` pixels.
double log_x(double v, double lo, double hi, double left, double width) {
  v = std::clamp(v, lo, hi);
  return left + width * (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
}

void speedup_chart(std::ostream& out, const std::vector<scenario_result>& results) {
  std::vector<const scenario_result*> shown;
  for (const auto& r : results)
    if (r.measured())
      shown.push_back(&r);
  out << "<figure id=\"speedup-chart\"><figcaption>Speedup of each scenario's candidate over "
         "its baseline (log scale; whiskers: 95% interval; dashed: 1x; diamond: the claim)"
      << "</figcaption>";
  if (shown.empty()) {
    out << "<p>No scenario was measured.</p></figure>";
    return;
  }
  double lo = 1;
  double hi = 1;
  for (const auto* r : shown) {
    lo = std::min({lo, r->speedup, r->ci95.first > 0 ? r->ci95.first : r->speedup});
    hi = std::max({hi, r->speedup, r->ci95.second, r->seed_claim});
  }
  lo /= 1.5;
  hi *= 1.5;
  const double left = 190;
  const double width = 560;
  const double row = 26;
  auto height = static_cast<int>(row * static_cast<double>(shown.size()) + 40);
  out << "<svg class=\"speedups\" width=\"" << left + width + 150 << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << left + width + 150 << " " << height
      << "\" role=\"img\" font-size=\"12\">";
  // Axis ticks at powers of ten (and 1x dashed).
  for (double t = std::pow(10, std::ceil(std::log10(lo))); t <= hi; t *= 10) {
    auto x = log_x(t, lo, hi, left, width);
    out << "<line x1=\"" << fixed(x, 1) << "\" y1=\"4\" x2=\"" << fixed(x, 1) << "\" y2=\""
        << height - 22 << "\" stroke=\"" << (t == 1 ? "#444" : "#ddd") << "\""
        << (t == 1 ? " stroke-dasharray=\"4 3\" class=\"one\"" : "") << "/>";
    out << "<text x=\"" << fixed(x, 1) << "\" y=\"" << height - 8
        << "\" text-anchor=\"middle\" fill=\"#555\">" << (t < 1 ? fixed(t, 2) : fixed(t, 0))
        << "x</text>";
  }
  double y = 8;
  for (const auto* r : shown) {
    auto x0 = log_x(lo, lo, hi, left, width);
    auto xv = log_x(r->speedup, lo, hi, left, width);
    auto xl = log_x(r->ci95.first > 0 ? r->ci95.first : r->speedup, lo, hi, left, width);
    auto xh = log_x(r->ci95.second > 0 ? r->ci95.second : r->speedup, lo, hi, left, width);
    auto mid = y + row / 2 - 3;
    out << "<g class=\"bar\" data-scenario=\"" << esc(r->name) << "\" data-speedup=\""
        << fixed(r->speedup, 4) << "\" data-lo=\"" << fixed(r->ci95.first, 4) << "\" data-hi=\""
        << fixed(r->ci95.second, 4) << "\" data-few=\"" << (r->few_samples ? 1 : 0) << "\">";
    out << "<title>" << esc(r->name + ": " + r->verdict) << "</title>";
    out << "<text x=\"" << left - 6 << "\" y=\"" << fixed(mid + 4, 1)
        << "\" text-anchor=\"end\">" << esc(r->name) << "</text>";
    out << "<rect class=\"speedup\" x=\"" << fixed(x0, 1) << "\" y=\"" << fixed(y, 1)
        << "\" width=\"" << fixed(std::max(1.0, xv - x0), 1) << "\" height=\"" << row - 8
        << "\" fill=\"" << (r->speedup >= 1 ? "#4a7fb5" : "#c07a3a") << "\"/>";
    out << "<line class=\"whisker\" x1=\"" << fixed(xl, 1) << "\" y1=\"" << fixed(mid, 1)
        << "\" x2=\"" << fixed(xh, 1) << "\" y2=\"" << fixed(mid, 1)
        << "\" stroke=\"#111\" stroke-width=\"1.5\"/>";
    for (auto xe : {xl, xh})
      out << "<line class=\"whisker-end\" x1=\"" << fixed(xe, 1) << "\" y1=\""
          << fixed(mid - 5, 1) << "\" x2=\"" << fixed(xe, 1) << "\" y2=\"" << fixed(mid + 5, 1)
          << "\" stroke=\"#111\" stroke-width=\"1.5\"/>";
    if (r->seed_claim > 0) {
      auto xc = log_x(r->seed_claim, lo, hi, left, width);
      out << "<path class=\"claim\" d=\"M" << fixed(xc, 1) << " " << fixed(mid - 6, 1) << " l5 6 "
          << "l-5 6 l-5 -6 z\" fill=\"#c33\"><title>claimed " << fixed(r->seed_claim, 1)
          << "x</title></path>";
    }
    out << "<text x=\"" << left + width + 8 << "\" y=\"" << fixed(mid + 4, 1) << "\""
        << (r->few_samples ? " class=\"few\"" : "") << ">" << fixed(r->speedup)
        << "x" << (r->few_samples ? " (n&lt;5)" : "") << "</text>";
    out << "</g>";
    y += row;
  }
  out << "</svg></figure>";
}

void claims_table(std::ostream& out, const std::vector<claim_row>& claims) {
  out << "<section id=\"claims\"><h2>Claims of the original report</h2>"
      << "<table class=\"claims\"><colgroup><col style=\"width:22%\"><col style=\"width:9%\">"
         "<col style=\"width:12%\"><col style=\"width:13%\"><col style=\"width:28%\">"
         "<col style=\"width:16%\"></colgroup>"
      << "<tr><th>claim</th><th>claimed</th><th>measured</th><th>95% interval</th>"
         "<th>verdict</th><th>from</th></tr>";
  for (const auto& c : claims) {
    bool has_value = !(c.status == claim_status::not_measurable && c.value == 0);
    auto unit = c.unit == "x" || c.unit == "%" ? c.unit : " " + c.unit;
    out << "<tr class=\"" << to_string(c.status) << "\" data-status=\"" << to_string(c.status)
        << "\"><td>" << esc(c.claim) << "</td><td>" << esc(c.claimed) << "</td><td class=\"num\">";
    if (has_value)
      out << fixed(c.value, c.unit == "%" ? 1 : 2) << esc(unit)
          << (c.simulated ? " <em>(simulated)</em>" : "");
    else
      out << "-";
    out << "</td><td class=\"num" << (c.few_samples ? " few" : "") << "\">";
    if (has_value)
      out << detail::range(c.ci95, c.unit == "%" ? 1 : 2) << (c.few_samples ? " (n&lt;5)" : "");
    else
      out << "-";
    out << "</td><td class=\"verdict\">" << esc(c.verdict) << "</td><td>"
        << esc(c.source.empty() ? "-" : c.source) << "</td></tr>";
  }
  out << "</table></section>";
}

/// One strip chart per scenario: each variant's samples as dots, its
/// median as a bar, on a shared linear axis from 0.
void samples_chart(std::ostream& out, const scenario_result& r) {
  std::vector<const variant_result*> vs;
  double hi = 0;
  for (const auto& v : r.variants)
    if (!v.samples_s.empty()) {
      vs.push_back(&v);
      for (auto s : v.samples_s)
        hi = std::max(hi, s);
    }
  if (vs.empty() || hi <= 0)
    return;
  hi *= 1.08;
  const double left = 190;
  const double width = 600;
  const double row = 22;
  auto height = static_cast<int>(row * static_cast<double>(vs.size()) + 30);
  out << "<figure class=\"samples\" data-scenario=\"" << esc(r.name) << "\"><figcaption>"
      << esc(r.name) << ": every sample (dots) and the median (bar), seconds</figcaption>"
      << "<svg width=\"" << left + width + 20 << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << left + width + 20 << " " << height << "\" font-size=\"12\">";
  for (int k = 0; k <= 4; ++k) {
    auto t = hi * k / 4;
    auto x = left + width * k / 4;
    out << "<line x1=\"" << fixed(x, 1) << "\" y1=\"2\" x2=\"" << fixed(x, 1) << "\" y2=\""
        << height - 20 << "\" stroke=\"#e2e2e2\"/><text x=\"" << fixed(x, 1) << "\" y=\""
        << height - 6 << "\" text-anchor=\"middle\" fill=\"#555\">" << detail::seconds(t)
        << "</text>";
  }
  double y = 4;
  for (const auto* v : vs) {
    auto mid = y + row / 2;
    out << "<g class=\"variant\" data-variant=\"" << esc(v->name) << "\" data-samples=\""
        << v->samples_s.size() << "\"><text x=\"" << left - 6 << "\" y=\"" << fixed(mid + 4, 1)
        << "\" text-anchor=\"end\">" << esc(v->name) << "</text>";
    auto xm = left + width * v->median_s / hi;
    out << "<line class=\"median\" x1=\"" << fixed(xm, 1) << "\" y1=\"" << fixed(mid - 7, 1)
        << "\" x2=\"" << fixed(xm, 1) << "\" y2=\"" << fixed(mid + 7, 1)
        << "\" stroke=\"#111\" stroke-width=\"2\"/>";
    for (std::size_t i = 0; i < v->samples_s.size(); ++i) {
      auto x = left + width * v->samples_s[i] / hi;
      // Spread the dots a little in y so equal samples stay visible.
      auto dy = (static_cast<double>(i % 3) - 1) * 3;
      out << "<circle class=\"sample\" cx=\"" << fixed(x, 1) << "\" cy=\"" << fixed(mid + dy, 1)
          << "\" r=\"3\" fill=\"#4a7fb5\" fill-opacity=\"0.7\"><title>"
          << detail::seconds(v->samples_s[i]) << " s</title></circle>";
    }
    out << "</g>";
    y += row;
  }
  out << "</svg></figure>";
}

void baseline_section(std::ostream& out, const baseline_comparison& b) {
  out << "<section id=\"baseline\"><h2>Against the baseline " << esc(b.path) << "</h2>"
      << "<p>A figure counts as a regression only when the whole 95% interval of now/before "
         "lies beyond "
      << detail::percent(b.threshold) << " on the worse side.</p>"
      << "<table class=\"baseline\"><tr><th>scenario</th><th>figure</th><th>before</th>"
         "<th>now</th><th>now/before</th><th>95% interval</th><th>verdict</th></tr>";
  for (const auto& c : b.changes) {
    out << "<tr class=\"" << to_string(c.kind) << "\"><td>" << esc(c.scenario) << "</td><td>"
        << esc(c.figure) << "</td>";
    if (c.kind == change_kind::not_compared) {
      out << "<td>-</td><td>-</td><td>-</td><td>-</td><td>not compared: " << esc(c.note)
          << "</td></tr>";
      continue;
    }
    auto value = [&](double x) {
      return c.higher_is_better ? fixed(x) + "x" : detail::seconds(x) + " s";
    };
    out << "<td class=\"num\">" << value(c.before) << "</td><td class=\"num\">" << value(c.now)
        << "</td><td class=\"num\">" << fixed(c.ratio, 3) << "</td><td class=\"num\">"
        << detail::range(c.ci95, 3) << (c.few_samples ? " (n&lt;5)" : "") << "</td><td>"
        << to_string(c.kind) << "</td></tr>";
  }
  out << "</table></section>";
}

} // namespace

std::string to_bench_html(const bench_report& report) {
  const auto& m = report.machine;
  const auto& st = report.settings;
  std::ostringstream out;
  out << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width\"><title>troupe bench</title>"
      << style << "</head><body><h1>troupe bench</h1>";
  out << "<p class=\"meta\" id=\"machine\">" << esc(m.cpu_model) << ", " << m.logical_cpus
      << " logical CPUs, " << fixed(m.memory_bytes / double(1ull << 30), 1) << " GiB, "
      << esc(m.kernel) << ", " << esc(m.compiler) << ", " << esc(m.build_type) << "; load "
      << fixed(m.load_average) << " at start; busy threads of this process got "
      << fixed(m.cores_available_start) << " cores' worth of CPU at the start and "
      << fixed(m.cores_available_end)
      << " at the end (the ceiling of any parallel speedup measured here).</p>";
  out << "<p class=\"meta\" id=\"settings\">" << (st.quick ? "Quick run" : "Full run") << ": "
      << st.samples << " samples and " << st.warmups << " warm-up(s) per variant, "
      << st.workers << " workers, corpus " << esc(st.corpus_used) << ", started "
      << esc(st.started_at) << ", " << fixed(st.wall_seconds, 0)
      << " s in all. Intervals marked n&lt;5 rest on fewer than " << min_samples_for_interval
      << " samples per side and are indicative only.</p>";
  claims_table(out, report.claims);
  out << "<section id=\"speedups\"><h2>Speedups</h2>";
  speedup_chart(out, report.results);
  out << "<table class=\"verdicts\"><tr><th style=\"width:18%\">scenario</th><th>verdict</th>"
         "</tr>";
  for (const auto& r : report.results) {
    out << "<tr><td>" << esc(r.name) << "</td><td>";
    if (!r.unavailable.empty())
      out << "not measurable here: " << esc(r.unavailable);
    else if (!r.error.empty())
      out << "not measured: " << esc(r.error);
    else
      out << esc(r.verdict);
    out << "</td></tr>";
  }
  out << "</table></section>";
  if (report.baseline)
    baseline_section(out, *report.baseline);
  out << "<section id=\"samples\"><h2>Samples</h2>";
  for (const auto& r : report.results) {
    out << "<h3 id=\"s-" << esc(r.name) << "\">" << esc(r.name) << "</h3>";
    if (!r.description.empty())
      out << "<p>" << esc(r.description) << "</p>";
    samples_chart(out, r);
    out << "<table class=\"variants\"><colgroup><col style=\"width:18%\"><col>"
           "<col style=\"width:9%\"><col style=\"width:11%\"><col style=\"width:11%\">"
           "</colgroup><tr><th>variant</th><th>what a sample times</th><th>samples</th>"
           "<th>median s</th><th>peak RSS MiB</th></tr>";
    for (const auto& v : r.variants) {
      out << "<tr><td>" << esc(v.name) << "</td><td>" << esc(v.what.empty() ? "-" : v.what);
      if (!v.unavailable.empty()) {
        out << " <strong>Not measurable here: " << esc(v.unavailable)
            << "</strong></td><td>-</td><td>-</td><td>-</td></tr>";
        continue;
      }
      bool few = v.samples_s.size() < min_samples_for_interval;
      out << "</td><td class=\"num" << (few ? " few" : "") << "\">" << v.samples_s.size()
          << (few ? " (n&lt;5)" : "") << "</td><td class=\"num\">" << detail::seconds(v.median_s)
          << "</td><td class=\"num\">" << fixed(v.peak_rss_bytes / double(1 << 20), 1)
          << "</td></tr>";
    }
    out << "</table>";
    for (const auto& note : r.notes)
      out << "<p class=\"note\">" << esc(note) << "</p>";
  }
  out << "</section></body></html>\n";
  return out.str();
}

} // namespace troupe::scenarios
