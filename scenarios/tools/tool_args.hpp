// File: the command line of the benchmark's helper programs: `--key value`
// options (and flags without a value) read in one loop, numbers checked
// against their lower bound, a usage error (exit 2) or a failure (exit 1)
// printed under the program's name. Internal to scenarios/tools.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace troupe::scenarios::tools {

/// A helper program's name and synopsis, for its messages.
class tool_args {
public:
  /// `synopsis` follows "usage: NAME " (several lines start with 7 spaces).
  tool_args(std::string name, std::string synopsis)
    : name_(std::move(name)), synopsis_(std::move(synopsis)) {
  }

  /// A command-line error: the reason and the synopsis on stderr, exit 2.
  [[noreturn]] void usage(const std::string& why) const {
    std::fprintf(stderr, "%s: %s\nusage: %s %s\n", name_.c_str(), why.c_str(), name_.c_str(),
                 synopsis_.c_str());
    std::exit(2);
  }

  /// A failure while measuring: the reason on stderr, exit 1.
  [[noreturn]] void fail(const std::string& why) const {
    std::fprintf(stderr, "%s: %s\n", name_.c_str(), why.c_str());
    std::exit(1);
  }

  /// `value` of option `key` as a whole number of at least `min`.
  unsigned long long whole(const std::string& key, const std::string& value,
                           unsigned long long min) const {
    char* end = nullptr;
    errno = 0;
    auto n = std::strtoull(value.c_str(), &end, 10);
    if (value.empty() || value[0] == '-' || *end != '\0' || errno != 0 || n < min)
      usage(key + " " + value + ": not a whole number >= " + std::to_string(min));
    return n;
  }

  /// `value` of option `key` as a number of at least `min`.
  double real(const std::string& key, const std::string& value, double min) const {
    char* end = nullptr;
    auto x = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(x >= min))
      usage(key + " " + value + ": not a number >= " + std::to_string(min));
    return x;
  }

  /// Reads argv[1..]: a key for which `flag(key)` is true takes no value;
  /// any other takes the next argument, handed to `option(key, value)`,
  /// which returns false for a key it does not know (a usage error). With
  /// `rest`, `--` ends the options and what follows goes there.
  void parse(int argc, char** argv, const std::function<bool(const std::string&)>& flag,
             const std::function<bool(const std::string&, const std::string&)>& option,
             std::vector<std::string>* rest = nullptr) const {
    for (int i = 1; i < argc; ++i) {
      std::string key = argv[i];
      if (rest && key == "--") {
        rest->assign(argv + i + 1, argv + argc);
        return;
      }
      if (flag && flag(key))
        continue;
      if (i + 1 >= argc)
        usage("missing value for " + key);
      if (!option(key, argv[++i]))
        usage("unknown option " + key);
    }
  }

private:
  std::string name_;
  std::string synopsis_;
};

} // namespace troupe::scenarios::tools
