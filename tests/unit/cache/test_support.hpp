// File: helpers shared by the cache tests: scratch folders, file surgery,
// self-checking payloads, an in-memory distributed tier.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/digest.hpp"
#include "troupe/cache/l3_tier.hpp"

namespace troupe::cache::test {

/// A fresh folder under /tmp, removed with everything in it at scope exit.
class scratch_dir {
public:
  scratch_dir() {
    char name[] = "/tmp/troupe-cache-test-XXXXXX";
    path_ = ::mkdtemp(name);
  }
  ~scratch_dir() {
    std::system(("rm -rf '" + path_ + "'").c_str());
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::string& path() const {
    return path_;
  }

  std::string operator/(const std::string& name) const {
    return path_ + '/' + name;
  }

private:
  std::string path_;
};

/// The key used for record number `i` in these tests.
inline cache_key key_of(const std::string& name) {
  return cache_key{content_digest("test key " + name)};
}

inline cache_key key_of(int i) {
  return key_of(std::to_string(i));
}

/// The whole content of a file ("" if unreadable).
inline std::string read_file(const std::string& path) {
  std::string out;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[8192];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;)
      out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

/// Replaces a file's content.
inline void write_file(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    std::abort();
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

/// Names (not paths) of the store's temporary files under `root`.
inline std::vector<std::string> temp_files(const std::string& root) {
  std::vector<std::string> out;
  if (DIR* top = ::opendir(root.c_str())) {
    while (auto* sub = ::readdir(top)) {
      if (sub->d_name[0] == '.')
        continue;
      if (DIR* d = ::opendir((root + '/' + sub->d_name).c_str())) {
        while (auto* e = ::readdir(d))
          if (std::string{e->d_name}.rfind(".tmp-", 0) == 0)
            out.push_back(root + '/' + sub->d_name + '/' + e->d_name);
        ::closedir(d);
      }
    }
    ::closedir(top);
  }
  return out;
}

/// A payload that describes itself: "<name> <generation> <length>\n"
/// followed by pseudo-random bytes derived from all three, so a reader can
/// tell whether any bytes are wrong.
inline std::string make_payload(const std::string& name, unsigned generation,
                                std::size_t length) {
  std::string out = name + ' ' + std::to_string(generation) + ' '
                    + std::to_string(length) + '\n';
  std::mt19937_64 rng{std::hash<std::string>{}(out)};
  while (out.size() < length)
    out += static_cast<char>(rng());
  return out;
}

/// Whether `bytes` is exactly some `make_payload(name, ...)`.
inline bool is_payload_of(const std::string& name, const std::string& bytes) {
  auto eol = bytes.find('\n');
  if (eol == std::string::npos || bytes.compare(0, name.size() + 1, name + ' ') != 0)
    return false;
  unsigned generation = 0;
  unsigned long length = 0;
  if (std::sscanf(bytes.c_str() + name.size() + 1, "%u %lu", &generation,
                  &length) != 2)
    return false;
  return bytes == make_payload(name, generation, length);
}

/// An in-memory stand-in for the distributed tier, counting its reads.
class fake_l3 : public l3_tier {
public:
  value_ptr get(const cache_key& key) override {
    ++gets;
    auto i = map.find(key);
    return i == map.end() ? nullptr : i->second;
  }
  cache_error put(const cache_key& key, const value_ptr& value) override {
    map[key] = value;
    return {};
  }
  std::string_view name() const noexcept override {
    return "l3:fake";
  }
  std::unordered_map<cache_key, value_ptr> map;
  int gets = 0;
};

} // namespace troupe::cache::test
