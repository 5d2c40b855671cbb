#include "troupe/scenarios/machine_info.hpp"

#include <fstream>
#include <string>
#include <thread>

#include <sys/sysinfo.h>
#include <sys/utsname.h>

namespace troupe::scenarios {

machine_info describe_machine() {
  machine_info m;
  std::ifstream cpuinfo{"/proc/cpuinfo"};
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      m.cpu_model = line.substr(line.find(':') + 2);
      break;
    }
  }
  m.logical_cpus = std::thread::hardware_concurrency();
  struct sysinfo si {};
  if (sysinfo(&si) == 0) {
    m.memory_bytes = static_cast<std::uint64_t>(si.totalram) * si.mem_unit;
    m.load_average = si.loads[0] / 65536.0;
  }
  struct utsname un {};
  if (uname(&un) == 0)
    m.kernel = std::string{un.sysname} + " " + un.release + " " + un.machine;
#if defined(__clang__)
  m.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  m.compiler = "g++ " __VERSION__;
#endif
#ifdef NDEBUG
  m.build_type = "optimised (NDEBUG)";
#else
  m.build_type = "debug";
#endif
  return m;
}

} // namespace troupe::scenarios
