#include "troupe/runtime/version.hpp"

namespace troupe {

const char* version() noexcept {
  return TROUPE_VERSION_TEXT;
}

} // namespace troupe
