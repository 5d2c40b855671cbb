// Corpus agreement (label "corpus"): the `security` and `naming` records of
// /usr/lib/python3.11 against bandit 1.6.2 and flake8 5 + pep8-naming
// 0.10.0, run at test time by tests/tools/compare_checks.py with Debian's
// /usr/bin/python3. Prints precision and recall per rule; every mismatch must
// be a documented difference below.
//
// Time: the reference tools are slow. On the whole corpus (1,646 files
// Python parses) bandit takes ~95 s of CPU, the B105 bandit run as much
// again and flake8 ~130 s (the N8 selection still runs pycodestyle's
// checks): 575 s of wall time side by side on this shared 2-core machine
// (load 8), ~160 s at best when it is quiet. So this test compares a
// deterministic subset: every 4th of those files in path order (412), plus
// the files of the documented differences and the files below, which hold
// rules the every-4th subset has no instance of. The whole corpus is
// compared by
//   build-sec/tests/unit/actors/checks/troupe_checks_dump /usr/lib/python3.11 --out OURS
//   /usr/bin/python3 tests/tools/compare_checks.py /usr/lib/python3.11 --ours OURS
// (last result: 1,646 files, every rule precision 1 and recall 1 except the
// N806 difference below).
#include "checks_json.hpp"

#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace troupe::actors;
using nlohmann::json;

namespace {

const std::string corpus = "/usr/lib/python3.11";
const std::string python = "/usr/bin/python3";
constexpr int every = 4;

struct difference {
  const char* path;
  const char* rule;
  unsigned line;
  const char* side; // "troupe-only" or "reference-only"
  const char* reason;
};

// Each must still differ whenever its file is compared.
const difference known_differences[] = {
  // `𝔘𝔫𝔦𝔠𝔬𝔡𝔢 = 1` in a function: Python normalises identifiers with NFKC,
  // so ast (and pep8-naming) see `Unicode`, which is not lowercase. troupe
  // reads names as written and has no NFKC tables (no ICU in the stack);
  // the mathematical Fraktur letters have no case of their own.
  {"test/test_unicode_identifiers.py", "N806", 17, "reference-only",
   "NFKC normalisation of identifiers is not implemented"},
};

// Files compared in addition to every 4th one: the whole-corpus comparison
// found these rules there, and the subset alone has none of them (no file
// of the corpus has B506: yaml is not in the standard library; the
// fixtures cover it).
const char* const rare_rule_files[] = {
  "test/test_zipfile.py",  // B106 (2)
  "test/sortperf.py",      // B302
  "antigravity.py",        // B303
  "test/test_hashlib.py",  // B324 (2), the corpus' only ones
  "test/test_popen.py",    // B605 (5)
  "netrc.py",              // B105 (2)
  "test/test_platform.py", // N812
  "test/test_descr.py",    // N814, the corpus' only one
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("security and naming agree with bandit and flake8 on the corpus",
          "[checks][corpus]") {
  const char* source_dir = std::getenv("TROUPE_SOURCE_DIR");
  REQUIRE(source_dir != nullptr);
  if (!fs::is_directory(corpus) || !fs::exists(python)
      || std::system((python + " -c 'import bandit, flake8, pep8ext_naming' 2>/dev/null").c_str())
           != 0) {
    TROUPE_SKIP("no corpus, /usr/bin/python3, bandit, flake8 or pep8-naming: nothing to compare");
  }
  auto started = std::chrono::steady_clock::now();
  auto tag = std::to_string(getpid());
  auto ours_path = fs::temp_directory_path() / ("troupe_checks_ours_" + tag + ".json");
  auto result_path = fs::temp_directory_path() / ("troupe_checks_cmp_" + tag + ".json");
  {
    std::ofstream out(ours_path);
    out << testing::dump_checks(corpus).dump();
  }
  auto ours_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream command;
  command << python << " " << source_dir << "/tests/tools/compare_checks.py " << corpus
          << " --ours " << ours_path.string() << " --every " << every << " --json "
          << result_path.string();
  std::set<std::string> also{std::begin(rare_rule_files), std::end(rare_rule_files)};
  for (const auto& d : known_differences)
    also.insert(d.path);
  for (const auto& path : also)
    command << " --also " << path;
  int status = std::system(command.str().c_str());
  auto report = json::parse(read_file(result_path));
  fs::remove(ours_path);
  fs::remove(result_path);
  (void)status; // exit 1 just means mismatches; they are checked below

  CHECK(report["missing"].empty());
  CHECK(report["files"].get<int>() >= 1600 / every);
  std::set<std::string> compared;
  for (const auto& p : report["compared"])
    compared.insert(p.get<std::string>());

  std::set<std::tuple<std::string, std::string, unsigned, std::string>> mismatches;
  for (const auto& m : report["mismatches"])
    mismatches.emplace(m["path"].get<std::string>(), m["rule"].get<std::string>(),
                       m["line"].get<unsigned>(), m["side"].get<std::string>());
  for (const auto& d : known_differences) {
    INFO(d.path << ":" << d.line << " " << d.rule << " (" << d.reason << ")");
    REQUIRE(compared.count(d.path) == 1);
    CHECK(mismatches.erase({d.path, d.rule, d.line, d.side}) == 1);
  }
  for (const auto& [path, rule, line, side] : mismatches) {
    INFO(side << " " << path << ":" << line << " " << rule);
    CHECK(false);
  }

  std::ostringstream figures;
  for (const auto& [rule, f] : report["rules"].items())
    figures << rule << " tp " << f["tp"] << " fp " << f["fp"] << " fn " << f["fn"]
            << " precision " << f["precision"] << " recall " << f["recall"] << "\n";
  auto seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // Every rule has instances in the comparison (B506 only in the fixtures).
  for (const auto& [rule, f] : report["rules"].items()) {
    INFO(rule);
    if (rule != "B506")
      CHECK(f["tp"].get<int>() > 0);
  }
  WARN(report["files"] << " files compared (every " << every << "th + documented), "
                       << report["mismatches"].size() << " mismatches ("
                       << std::size(known_differences) << " documented); troupe "
                       << ours_seconds << " s for the whole corpus, reference "
                       << report["seconds"]["reference_total"] << " s, total " << seconds
                       << " s\n"
                       << figures.str());
}
