// File: troupe_checks_dump, a harness that runs decode, parse and the
// `security` and `naming` extractors over a directory tree and prints the
// records, so tests/tools/compare_checks.py can compare them with bandit and
// flake8.
//
//   troupe_checks_dump [ROOT] [--out FILE]
//   troupe_checks_dump [ROOT] --time [--rounds N]
//
// ROOT defaults to /usr/lib/python3.11. --time parses every file once and
// prints the CPU seconds the extractors spend on the whole tree (best of N
// rounds, default 5): each alone (one shared walk computes both records),
// and both on each file in turn, as a worker runs them.
#include "checks_json.hpp"
#include "../corpus_dump.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "troupe/actors/file/todos.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

int time_extractors(const std::filesystem::path& root, int rounds) {
  using namespace troupe::actors;
  struct parsed {
    std::string text;
    syntax_tree tree;
  };
  std::vector<parsed> files;
  python_parser parser;
  double parse = cpu_seconds();
  for (auto it = std::filesystem::recursive_directory_iterator(root);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_symlink() || !it->is_regular_file() || it->path().extension() != ".py")
      continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto source = decode_python_source(bytes, 64u << 20);
    if (source.status != source_status::ok)
      continue;
    parsed p{std::move(source.text), {}};
    p.tree = parser.parse(p.text);
    files.push_back(std::move(p));
  }
  parse = cpu_seconds() - parse;
  std::size_t sink = 0;
  auto best = [&](auto&& extract) {
    double out = 1e9;
    for (int r = 0; r < rounds; ++r) {
      double start = cpu_seconds();
      for (const auto& f : files)
        sink += extract(f.tree, f.text);
      out = std::min(out, cpu_seconds() - start);
    }
    return out;
  };
  auto todos = best([](const syntax_tree& t, std::string_view s) {
    return extract_todos(t, s).todos.size();
  });
  auto security = best([](const syntax_tree& t, std::string_view s) {
    return extract_security(t, s).findings.size();
  });
  auto naming = best([](const syntax_tree& t, std::string_view s) {
    return extract_naming(t, s).violations.size();
  });
  // As a worker runs them: both agents on one file, one after the other
  // (the second reads the first one's walk).
  auto both = best([](const syntax_tree& t, std::string_view s) {
    return extract_security(t, s).findings.size() + extract_naming(t, s).violations.size();
  });
  std::cout << files.size() << " files; CPU seconds: decode+parse " << parse << ", todos "
            << todos << ", security alone " << security << ", naming alone " << naming
            << ", security then naming per file " << both << " (best of " << rounds << "; "
            << sink << " records)\n";
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::filesystem::path root = "/usr/lib/python3.11";
  std::string out_path;
  bool timing = false;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--time") {
      timing = true;
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (arg.rfind("-", 0) == 0) {
      std::cerr << "usage: troupe_checks_dump [ROOT] [--out FILE] | [--time [--rounds N]]\n";
      return arg == "-h" || arg == "--help" ? 0 : 2;
    } else {
      root = arg;
    }
  }
  if (timing)
    return time_extractors(root, rounds);
  return troupe::actors::testing::write_dump(troupe::actors::testing::dump_checks(root), out_path);
}
