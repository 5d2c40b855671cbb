// File: what the cluster tests that run `troupe run` share: a generated
// Python tree and the part of report.json that must not depend on where the
// work ran.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "node_process.hpp"

namespace troupe::test {

/// A Python tree large enough that a run lasts a few seconds on two cores;
/// `functions` per file sets how long each file takes.
inline void write_tree(const std::filesystem::path& root, int files, int functions = 12) {
  std::filesystem::create_directories(root / "pkg");
  std::ofstream{root / "pkg" / "__init__.py"} << "from .m0 import f0\n";
  for (int i = 0; i < files; ++i) {
    std::ofstream out{root / "pkg" / ("m" + std::to_string(i) + ".py")};
    out << "import os\nimport sys\n\n\n";
    for (int f = 0; f < functions; ++f)
      out << "def f" << (f == 0 ? std::to_string(i) : std::to_string(i) + "_" + std::to_string(f))
          << "(x, y=None):\n    \"\"\"Doc.\"\"\"\n    total = 0\n    for k in range(x):\n"
          << "        if k % 3 == 0 and y:\n            total += k * " << f << "\n"
          << "        elif k % 5 == 0:\n            total -= os.getpid()\n"
          << "        else:\n            total += len(sys.argv)\n    return total\n\n\n";
    out << "class C" << i << ":\n    def m(self, y: int) -> int:\n        return y * " << i
        << "\n";
  }
}

/// report.json without what differs between runs of the same inputs
/// (timings, nodes, cache figures).
inline nlohmann::json content_of(const std::filesystem::path& report) {
  auto doc = nlohmann::json::parse(slurp(report));
  doc.erase("run");
  doc.erase("agents");
  doc.erase("generated_at");
  doc.erase("tool");
  return doc;
}

} // namespace troupe::test
