// Fuzzing the profile loader: the input is a profile's YAML text; it may
// `extends:` the parents written once into a scratch folder (a chain of
// three, a cycle, a non-profile file). Loading must never crash, hang or
// leak; a load either gives settings or errors, and every error names the
// input or a parent.
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "fuzz_input.hpp"
#include "troupe/config/profile_loader.hpp"
#include "troupe/config/settings_yaml.hpp"

namespace {

namespace fs = std::filesystem;

/// The parents a fuzzed profile may extend, written once per process.
const troupe::config::profile_loader& loader() {
  static const troupe::config::profile_loader instance = [] {
    auto dir = fs::temp_directory_path() / ("troupe-fuzz-profiles-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto write = [&](const char* name, const char* text) { std::ofstream{dir / name} << text; };
    write("base.yaml", "description: base\ncache:\n  ttl: 2h\nparallel:\n  workers: 2\n");
    write("middle.yaml", "extends: base\nagents:\n  max_retries: 1\n");
    write("top.yaml", "extends: middle\nnetwork:\n  timeout: 3s\n");
    write("loop-a.yaml", "extends: loop-b\n");
    write("loop-b.yaml", "extends: loop-a\n");
    write("notes.txt", "- not\n- a profile\n");
    troupe::config::loader_options options;
    options.search_dirs.push_back(dir);
    return troupe::config::profile_loader{options};
  }();
  return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using troupe::fuzz::expect;
  auto text = troupe::fuzz::bytes(data, size);
  auto result = loader().load_string(text, "fuzzed.yaml");
  expect(result.value.has_value() != !result.errors.empty(), "either settings or errors");
  for (const auto& e : result.errors)
    expect(!e.to_string().empty(), "an error has a message");
  if (result.value) {
    // Valid settings render and load back to the same settings.
    auto yaml = troupe::config::to_yaml(*result.value);
    auto again = loader().load_string(yaml, "rendered.yaml");
    expect(again.ok(), "rendered settings load back");
  }
  return 0;
}
