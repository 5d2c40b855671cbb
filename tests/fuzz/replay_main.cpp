// The main() of a harness built without libFuzzer (the default build): runs
// every file given, or every file in every folder given, through the harness
// once. ctest replays each committed seed corpus so; a harness that crashes
// on a seed fails the test.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.hpp"

namespace {

int replay(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  std::string data{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  if (!in.eof() && !in) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return 1;
  }
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg{argv[i]};
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (auto& e : std::filesystem::directory_iterator{arg})
        if (e.is_regular_file())
          files.push_back(e.path());
    } else {
      files.push_back(arg);
    }
    for (auto& f : files) {
      if (replay(f) != 0)
        return 1;
      ++inputs;
    }
  }
  if (inputs == 0) {
    std::fprintf(stderr, "no inputs replayed\n");
    return 1;
  }
  std::printf("%zu inputs replayed\n", inputs);
  return 0;
}
