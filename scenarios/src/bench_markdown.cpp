// bench.md: the result of a bench run for people.
#include <cmath>
#include <sstream>

#include "number_format.hpp"
#include "troupe/scenarios/bench_report.hpp"
#include "troupe/scenarios/statistics.hpp"

namespace troupe::scenarios {

namespace {

using detail::fixed;

/// A table cell: no line breaks, no column separators.
std::string cell(std::string s) {
  for (auto& ch : s)
    if (ch == '|' || ch == '\n')
      ch = ch == '|' ? '/' : ' ';
  return s;
}

std::string claim_value(const claim_row& c) {
  if (c.status == claim_status::not_measurable && c.value == 0)
    return "-";
  auto unit = c.unit == "x" || c.unit == "%" ? c.unit : " " + c.unit;
  return fixed(c.value, c.unit == "%" ? 1 : 2) + unit + (c.simulated ? " (simulated)" : "");
}

std::string claim_interval(const claim_row& c) {
  if (c.status == claim_status::not_measurable && c.value == 0)
    return "-";
  return detail::range(c.ci95, c.unit == "%" ? 1 : 2) + (c.few_samples ? " (n<5)" : "");
}

} // namespace

std::string to_bench_markdown(const bench_report& report) {
  const auto& m = report.machine;
  const auto& st = report.settings;
  std::ostringstream out;
  out << "# troupe bench\n\nMachine: " << m.cpu_model << ", " << m.logical_cpus
      << " logical CPUs, " << fixed(m.memory_bytes / double(1ull << 30), 1) << " GiB, "
      << m.kernel << ", " << m.compiler << ", " << m.build_type << ", load "
      << fixed(m.load_average) << " at start; busy threads of this process got "
      << fixed(m.cores_available_start) << " cores' worth of CPU at the start and "
      << fixed(m.cores_available_end)
      << " at the end (the ceiling of any parallel speedup measured here).\n\n";
  out << "Run: " << (st.quick ? "quick (a sample of the corpus, smaller workloads)" : "full")
      << ", " << st.samples << " samples and " << st.warmups
      << " warm-up(s) per variant (slow peers fewer), " << st.workers
      << " workers in the parallel variants, corpus " << st.corpus_used;
  if (!st.corpus_sample.empty())
    out << " (" << st.corpus_sample << " of " << st.corpus << ")";
  out << ", started " << st.started_at << ", " << fixed(st.wall_seconds, 0) << " s in all. "
      << "Intervals are 95% percentile-bootstrap intervals of a ratio of medians; those "
         "resting on fewer than "
      << min_samples_for_interval << " samples per side are marked n<5 (indicative only).\n\n";

  if (!report.claims.empty()) {
    out << "## Claims of the original report\n\n"
        << "| claim | claimed | measured | 95% interval | verdict | from |\n"
        << "|---|---|---|---|---|---|\n";
    for (const auto& c : report.claims)
      out << "| " << cell(c.claim) << " | " << cell(c.claimed) << " | " << claim_value(c)
          << " | " << claim_interval(c) << " | " << cell(c.verdict) << " | "
          << cell(c.source.empty() ? "-" : c.source) << " |\n";
    out << "\n";
  }

  out << "## Scenarios\n\n";
  for (const auto& r : report.results) {
    out << "- **" << r.name << "** (" << r.candidate
        << (r.baseline.empty() ? "" : " vs " + r.baseline) << "): ";
    if (!r.unavailable.empty())
      out << "not measurable here: " << r.unavailable;
    else if (!r.error.empty())
      out << "not measured: " << r.error;
    else
      out << r.verdict;
    out << "\n";
  }

  out << "\n## Variants: what each one measures\n\n"
      << "| scenario | variant | what a sample times | samples | median s | peak RSS MiB |\n"
      << "|---|---|---|---|---|---|\n";
  for (const auto& r : report.results)
    for (const auto& v : r.variants) {
      out << "| " << r.name << " | " << v.name << " | " << cell(v.what.empty() ? "-" : v.what)
          << " | ";
      if (!v.unavailable.empty()) {
        out << "- | not measurable here: " << cell(v.unavailable) << " | - |\n";
        continue;
      }
      out << v.samples_s.size()
          << (v.samples_s.size() < min_samples_for_interval && !v.samples_s.empty() ? " (n<5)"
                                                                                    : "")
          << " | " << detail::seconds(v.median_s) << " | "
          << fixed(v.peak_rss_bytes / double(1 << 20), 1) << " |\n";
    }

  out << "\nVariants are named for what a sample times. Names of earlier versions of this "
         "report: ast_parse's cold_l1 and warm_l1 are symbols_stage_cold and "
         "symbols_stage_l1_hit (only the symbols agent's parse-and-extract stage: reading and "
         "digesting the files are left out, read_digest_floor times them apart); cache_warm's "
         "warm_l2 is run_memo_hit (the run memo answers the whole run, no L2 record is read "
         "per file) and warm_records is l2_records_hit; orchestration's troupe_23_agents is "
         "parallel, measured against one_after_another (the same agents with "
         "agents.parallel_execution: false), with pyflakes3 and ruff_wasm as peers. A "
         "--baseline saved under the earlier names is not compared for those scenarios.\n";

  if (report.baseline) {
    const auto& b = *report.baseline;
    out << "\n## Against the baseline " << b.path << "\n\n"
        << "A figure counts as a regression only when the whole 95% interval of now/before "
           "lies beyond "
        << detail::percent(b.threshold) << " on the worse side.\n\n"
        << "| scenario | figure | before | now | now/before | 95% interval | verdict |\n"
        << "|---|---|---|---|---|---|---|\n";
    for (const auto& c : b.changes) {
      out << "| " << c.scenario << " | " << c.figure << " | ";
      if (c.kind == change_kind::not_compared) {
        out << "- | - | - | - | not compared: " << cell(c.note) << " |\n";
        continue;
      }
      auto value = [&](double x) {
        return c.higher_is_better ? fixed(x) + "x" : detail::seconds(x) + " s";
      };
      out << value(c.before) << " | " << value(c.now) << " | " << fixed(c.ratio, 3) << " | "
          << detail::range(c.ci95, 3) << (c.few_samples ? " (n<5)" : "") << " | "
          << (c.kind == change_kind::regression ? "**REGRESSION**" : to_string(c.kind)) << " |\n";
    }
    for (const auto& name : b.missing)
      out << "| " << name << " | - | - | - | - | - | not run now |\n";
  }

  for (const auto& r : report.results) {
    bool any = !r.notes.empty() || !r.description.empty();
    for (const auto& v : r.variants)
      any = any || !v.metrics.empty() || !v.samples_s.empty();
    if (!any)
      continue;
    out << "\n### " << r.name << "\n\n";
    if (!r.description.empty())
      out << r.description << "\n\n";
    for (const auto& note : r.notes)
      out << note << "\n\n";
    for (const auto& v : r.variants) {
      if (v.samples_s.empty())
        continue;
      out << "- " << v.name << " samples (s):";
      for (auto s : v.samples_s)
        out << " " << detail::seconds(s);
      out << "\n";
      if (v.metrics.empty())
        continue;
      out << "- " << v.name << " (medians):";
      for (const auto& [key, value] : v.metrics)
        out << " " << key << " "
            << fixed(value, value == std::floor(value) ? 0 : std::fabs(value) < 1 ? 6 : 3)
            << ";";
      out << "\n";
    }
  }
  return out.str();
}

} // namespace troupe::scenarios
