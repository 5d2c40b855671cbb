// File names that are not UTF-8 (Linux names are bytes): every report stays
// valid UTF-8 JSON, checked with Python's strict json module, and such a file
// is reported as skipped (state bad_name) under an escaped name from which
// its bytes can be recovered.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "test_skip.hpp"
#include "troupe_process.hpp"

using namespace troupe::test;
namespace fs = std::filesystem;

namespace {

/// Python checks `report` strictly (bytes must be UTF-8, the JSON well
/// formed) and prints every bad_name file's path decoded back to its bytes
/// (hex), one per line, after "ok".
const char* check_script = R"(
import json, re, sys
raw = open(sys.argv[1], 'rb').read()
text = raw.decode('utf-8')  # strict: fails on any byte that is not UTF-8
report = json.loads(text)
print('ok', len(report['files']))
def unescape(p):
    out = bytearray()
    i = 0
    while i < len(p):
        if p.startswith('\\x', i):
            out.append(int(p[i+2:i+4], 16)); i += 4
        elif p.startswith('\\\\', i):
            out.append(0x5c); i += 2
        else:
            out += p[i].encode('utf-8'); i += 1
    return bytes(out)
for f in report['files']:
    if f['state'] == 'bad_name':
        print(unescape(f['path']).hex())
)";

} // namespace

TEST_CASE("file names that are not UTF-8 keep every report valid UTF-8 JSON",
          "[integration][names]") {
  if (run({"/usr/bin/python3", "-c", "pass"}).exit_code != 0)
    TROUPE_SKIP("/usr/bin/python3 is not installed");
  temp_dir tmp;
  // The root itself, a file and a folder have names with bytes 0xFF, 0xFE,
  // 0xFD that no UTF-8 text holds; one name has a backslash besides.
  auto root = tmp.path / "root\xfd";
  fs::create_directories(root / "pkg\xfe");
  std::ofstream{root / "good.py"} << "def f():\n    return 1\n";
  std::ofstream{root / "bad\xff.py"} << "def g():\n    return 2\n";
  std::ofstream{root / "back\\slash\xff.py"} << "x = 1\n";
  std::ofstream{root / "pkg\xfe" / "inner.py"} << "class C:\n    pass\n";
  auto script = tmp.path / "check.py";
  std::ofstream{script} << check_script;
  auto out = tmp.path / "out";
  auto cache = tmp.path / "cache";
  for (const char* mode : {"--no-cache", "cold", "warm"}) {
    INFO(mode);
    std::vector<std::string> args{troupe_binary(), "run", root.string(), "--out", out.string()};
    if (std::string{mode} == "--no-cache")
      args.push_back("--no-cache");
    else
      args.insert(args.end(), {"--cache-dir", cache.string()});
    auto r = run(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto check = run({"/usr/bin/python3", script.string(), (out / "report.json").string()});
    INFO(check.err);
    REQUIRE(check.exit_code == 0);
    // good.py, then the three skipped files, their bytes recovered.
    CHECK(check.out.find("ok 4\n") == 0);
    CHECK(check.out.find("\n626164ff2e7079\n") != std::string::npos); // bad\xff.py
    CHECK(check.out.find("6261636b5c736c617368ff2e7079") != std::string::npos); // back\slash\xff.py
    CHECK(check.out.find("706b67fe2f696e6e65722e7079") != std::string::npos); // pkg\xfe/inner.py
    CHECK(r.err.find("bad_name") != std::string::npos);
    auto report = nlohmann::json::parse(slurp(out / "report.json"));
    CHECK(report["run"]["skipped_files"]["bad_name"] == 3);
    CHECK(report["run"]["root"].get<std::string>().find("root\\xFD") != std::string::npos);
  }
}
