#include "troupe/scenarios/machine_info.hpp"

#include <algorithm>

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

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
  m.cores_available_start = measure_cores_available();
  return m;
}

double measure_cores_available(double seconds) {
  auto n = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<bool> stop{false};
  std::vector<double> cpu(n, 0);
  std::vector<std::thread> threads;
  auto t0 = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < n; ++i)
    threads.emplace_back([&stop, &cpu, i] {
      volatile std::uint64_t x = 0;
      while (!stop.load(std::memory_order_relaxed))
        for (int k = 0; k < 4096; ++k)
          x = x + static_cast<std::uint64_t>(k);
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      cpu[i] = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double total = 0;
  for (auto c : cpu)
    total += c;
  return wall > 0 ? total / wall : 0;
}

} // namespace troupe::scenarios
