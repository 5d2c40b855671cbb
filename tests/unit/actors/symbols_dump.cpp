// File: troupe_symbols_dump, a harness that runs the Python front end (decode,
// parse, extract) over a directory tree and writes the `files` part of
// report.json, so tests/tools/compare_report.py can check it against `ast`.
//
//   troupe_symbols_dump [ROOT] [--out FILE] [--repeat N]
//
// ROOT defaults to /usr/lib/python3.11. The single-thread CPU time of decode,
// parse (with freeing the tree) and extract, file reading excluded, best of N
// runs, goes to stderr.
#include "symbols_json.hpp"

#include "troupe/actors/file/extract_symbols.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace troupe::actors;

namespace {

constexpr std::size_t max_source_bytes = 64u << 20;

struct source_file {
  std::string path; // relative to the root, '/'-separated
  std::string bytes;
};

std::vector<source_file> read_python_files(const fs::path& root) {
  std::vector<source_file> files;
  auto options = fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(root, options);
       it != fs::recursive_directory_iterator(); ++it) {
    const auto& entry = *it;
    if (entry.is_symlink() || !entry.is_regular_file()
        || entry.path().extension() != ".py")
      continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in),
                      std::istreambuf_iterator<char>()};
    files.push_back({entry.path().lexically_relative(root).generic_string(),
                     std::move(bytes)});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

struct stage_times {
  double decode = 0;
  double parse = 0; // includes freeing the tree
  double extract = 0;
  double wall = 0;
  double total() const {
    return decode + parse + extract;
  }
};

// CPU time of this thread, so that other load on the machine does not count.
double thread_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double lap(double& start) {
  auto now = thread_seconds();
  auto elapsed = now - start;
  start = now;
  return elapsed;
}

// Runs the front end over every file; fills `report` when it is not null.
stage_times run_front_end(const std::vector<source_file>& files,
                          nlohmann::json* report) {
  stage_times times;
  auto wall_start = std::chrono::steady_clock::now();
  python_parser parser;
  for (const auto& file : files) {
    auto start = thread_seconds();
    auto source = decode_python_source(file.bytes, max_source_bytes);
    times.decode += lap(start);
    if (source.status != source_status::ok) {
      if (report != nullptr)
        report->push_back({{"path", file.path},
                           {"status", to_string(source.status)},
                           {"detail", source.detail},
                           {"parse_errors", 0},
                           {"functions", nlohmann::json::array()},
                           {"classes", nlohmann::json::array()}});
      continue;
    }
    file_symbols symbols;
    {
      auto tree = parser.parse(source.text);
      times.parse += lap(start);
      symbols = extract_symbols(tree, source.text);
      times.extract += lap(start);
    }
    times.parse += lap(start);
    if (report != nullptr) {
      auto entry = testing::to_json(symbols);
      entry["path"] = file.path;
      entry["status"] = "ok";
      entry["encoding"] = source.encoding;
      report->push_back(std::move(entry));
    }
  }
  times.wall = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                             - wall_start)
                 .count();
  return times;
}

} // namespace

int main(int argc, char** argv) {
  fs::path root = "/usr/lib/python3.11";
  std::string out_path;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::stoi(argv[++i]));
    } else if (arg == "-h" || arg == "--help" || arg.rfind("--", 0) == 0) {
      std::cerr << "usage: troupe_symbols_dump [ROOT] [--out FILE] "
                   "[--repeat N]\n";
      return arg == "-h" || arg == "--help" ? 0 : 2;
    } else {
      root = arg;
    }
  }
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    std::cerr << "troupe_symbols_dump: not a directory: " << root << '\n';
    return 2;
  }
  auto files = read_python_files(root);
  std::size_t bytes = 0;
  for (const auto& file : files)
    bytes += file.bytes.size();
  auto report_files = nlohmann::json::array();
  auto best = run_front_end(files, &report_files);
  for (int i = 1; i < repeat; ++i) {
    auto times = run_front_end(files, nullptr);
    if (times.total() < best.total())
      best = times;
  }
  nlohmann::json report = {
    {"run", {{"root", fs::absolute(root).string()},
             {"files", files.size()},
             {"bytes", bytes},
             {"wall_seconds", best.wall},
             {"cpu_seconds", best.total()}}},
    {"files", std::move(report_files)},
  };
  if (out_path.empty()) {
    std::cout << report.dump(1) << '\n';
  } else {
    std::ofstream out(out_path);
    out << report.dump(1) << '\n';
    if (!out) {
      std::cerr << "troupe_symbols_dump: cannot write " << out_path << '\n';
      return 1;
    }
  }
  std::fprintf(stderr,
               "%zu files, %.1f MB, one thread, best of %d: CPU time decode "
               "%.2f s + parse %.2f s + extract %.2f s = %.2f s (wall %.2f s, "
               "file reading excluded)\n",
               files.size(), static_cast<double>(bytes) / 1e6, repeat,
               best.decode, best.parse, best.extract, best.total(), best.wall);
  return 0;
}
