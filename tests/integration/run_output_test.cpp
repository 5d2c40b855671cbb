// Where `troupe run` writes: devices, FIFOs and symlinks at an output, `-`
// for standard output, outputs refused before any work, the reports of one
// run written together or not at all, and the exit code of a run whose
// outputs could not be written.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "test_skip.hpp"
#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path small_tree() {
  return source_dir() / "tests/fixtures/corpus/proj";
}

/// `troupe run` on the small tree, uncached, with extra arguments.
process_result run_small(const fs::path& out, std::vector<std::string> extra) {
  std::vector<std::string> args{troupe_binary(), "run", small_tree().string(), "--no-cache",
                                "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run(args);
}

/// A character device like /dev/null (1,3) or /dev/full (1,7) made in a test
/// folder; false when the machine does not allow it.
bool make_device(const fs::path& path, unsigned minor) {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0;
}

bool is_char_device(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

/// Names in `dir` that look like temporary or spare files of a write.
std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> names;
  for (auto& e : fs::directory_iterator{dir}) {
    auto name = e.path().filename().string();
    if (name.find(".tmp") != std::string::npos)
      names.push_back(name);
  }
  return names;
}

} // namespace

TEST_CASE("a device at an output is written through, never replaced", "[integration][output]") {
  temp_dir tmp;
  auto null_json = tmp.path / "null";
  auto null_trace = tmp.path / "null-trace";
  if (!make_device(null_json, 3) || !make_device(null_trace, 3))
    TROUPE_SKIP("mknod is not permitted here");
  auto r = run_small(tmp.path / "out", {"--json", null_json.string(), "--trace",
                                        null_trace.string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(is_char_device(null_json));
  CHECK(is_char_device(null_trace));
  CHECK(fs::exists(tmp.path / "out" / "report.md"));
}

TEST_CASE("a FIFO at an output is written through", "[integration][output]") {
  temp_dir tmp;
  auto fifo = tmp.path / "report.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0666) == 0);
  // A write end of our own keeps the reader from blocking (and ends its
  // read once closed, whether the run wrote into the FIFO or not).
  int keep_open = ::open(fifo.c_str(), O_RDWR);
  REQUIRE(keep_open >= 0);
  std::string received;
  std::thread reader{[&] {
    std::ifstream in{fifo, std::ios::binary};
    received.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
  }};
  auto r = run_small(tmp.path / "out", {"--json", fifo.string()});
  ::close(keep_open);
  reader.join();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  auto report = json::parse(received);
  CHECK(report["run"]["complete"] == true);
}

TEST_CASE("a symlinked output replaces its target and the link stays", "[integration][output]") {
  temp_dir tmp;
  fs::create_directories(tmp.path / "real");
  fs::create_symlink(tmp.path / "real" / "report.json", tmp.path / "link.json");
  auto r = run_small(tmp.path / "out", {"--json", (tmp.path / "link.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::is_symlink(tmp.path / "link.json"));
  auto report = json::parse(slurp(tmp.path / "real" / "report.json"));
  CHECK(report["files"].size() == 7);
  // Once more, now that the target exists.
  REQUIRE(run_small(tmp.path / "out", {"--json", (tmp.path / "link.json").string()}).exit_code
          == 0);
  CHECK(fs::is_symlink(tmp.path / "link.json"));
  CHECK(json::parse(slurp(tmp.path / "link.json"))["files"].size() == 7);
  CHECK(leftovers(tmp.path / "real").empty());
}

TEST_CASE("with --json - the report goes to standard output", "[integration][output]") {
  temp_dir tmp;
  auto r = run_small(tmp.path / "out", {"--json", "-"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto report = json::parse(r.out); // nothing else on stdout: the summary went to stderr
  CHECK(report["files"].size() == 7);
  CHECK(r.err.find("troupe run:") != std::string::npos);
  CHECK_FALSE(fs::exists("-"));
  CHECK_FALSE(fs::exists(tmp.path / "out" / "report.json"));
  CHECK(fs::exists(tmp.path / "out" / "report.md"));
  auto both = run_small(tmp.path / "out", {"--json", "-", "--trace", "-"});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("standard output") != std::string::npos);
}

TEST_CASE("an output that cannot be written stops the run before it starts",
          "[integration][output]") {
  temp_dir tmp;
  auto cache = tmp.path / "cache";
  auto refused = [&](std::vector<std::string> args, const std::string& named) {
    std::vector<std::string> all{troupe_binary(), "run", small_tree().string(), "--cache-dir",
                                 cache.string()};
    all.insert(all.end(), args.begin(), args.end());
    auto r = run(all);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(named) != std::string::npos);
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(cache)); // nothing started
  };
  std::ofstream{tmp.path / "a-file"} << "x";
  SECTION("--out is a file") {
    refused({"--out", (tmp.path / "a-file").string()}, "a-file: exists and is not a folder");
  }
  SECTION("--out is below a file") {
    refused({"--out", (tmp.path / "a-file" / "out").string()}, "a-file");
  }
  SECTION("--json is a folder") {
    fs::create_directories(tmp.path / "folder.json");
    refused({"--out", (tmp.path / "out").string(), "--json", (tmp.path / "folder.json").string()},
            "folder.json is a folder");
  }
  SECTION("--trace is below a file") {
    refused({"--out", (tmp.path / "out").string(), "--trace",
             (tmp.path / "a-file" / "trace.json").string()},
            "--trace");
  }
  SECTION("--json - beside findings on standard output") {
    refused({"--out", (tmp.path / "out").string(), "--json", "-", "--format", "sarif"},
            "--format sarif prints the findings on standard output");
  }
  SECTION("report.md is a folder") {
    fs::create_directories(tmp.path / "out" / "report.md");
    refused({"--out", (tmp.path / "out").string()}, "report.md is a folder");
  }
}

TEST_CASE("reports of one run appear together or not at all; a write failure after the run "
          "is exit code 74",
          "[integration][output]") {
  temp_dir tmp;
  auto out = tmp.path / "out";
  auto full = tmp.path / "full";
  if (!make_device(full, 7))
    TROUPE_SKIP("mknod is not permitted here");
  REQUIRE(run_small(out, {}).exit_code == 0);
  auto md = slurp(out / "report.md");
  auto md_inode = inode_of(out / "report.md");
  auto html_inode = inode_of(out / "report.html");
  auto json_inode = inode_of(out / "report.json");
  // report.json goes to a full device: the run completes, nothing of the
  // set is replaced, and no temporary file stays behind.
  auto r = run_small(out, {"--json", full.string()});
  INFO(r.err);
  CHECK(r.exit_code == 74);
  CHECK(r.err.find("No space left on device") != std::string::npos);
  CHECK(r.err.find("full") != std::string::npos);
  CHECK(inode_of(out / "report.md") == md_inode);
  CHECK(inode_of(out / "report.html") == html_inode);
  CHECK(inode_of(out / "report.json") == json_inode);
  CHECK(slurp(out / "report.md") == md);
  CHECK(leftovers(out).empty());
  // The same for the trace, the last of the set.
  auto t = run_small(out, {"--trace", full.string()});
  CHECK(t.exit_code == 74);
  CHECK(inode_of(out / "report.json") == json_inode);
  CHECK(leftovers(out).empty());
}

TEST_CASE("a leftover temporary file of another writer does not stop a run",
          "[integration][output]") {
  temp_dir tmp;
  auto out = tmp.path / "out";
  REQUIRE(run_small(out, {}).exit_code == 0);
  auto md_inode = inode_of(out / "report.md");
  // What an older writer left behind, here made unwritable by being a folder.
  for (const char* name : {"report.json.tmp", "report.md.tmp", "report.html.tmp"})
    fs::create_directories(out / name / "x");
  auto r = run_small(out, {});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(inode_of(out / "report.md") != md_inode);
  CHECK(json::parse(slurp(out / "report.json"))["files"].size() == 7);
}
