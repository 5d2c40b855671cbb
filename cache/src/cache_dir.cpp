#include "troupe/cache/cache_dir.hpp"

#include <cstdlib>

namespace troupe::cache {

std::string default_cache_dir() {
  if (const char* dir = std::getenv("TROUPE_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string{xdg} + "/troupe";
  const char* home = std::getenv("HOME");
  return std::string{home && *home ? home : "/tmp"} + "/.cache/troupe";
}

} // namespace troupe::cache
