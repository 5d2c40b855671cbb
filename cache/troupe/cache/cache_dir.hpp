// File: where troupe keeps its cache folder when none is given.
#pragma once

#include <string>

namespace troupe::cache {

/// $TROUPE_CACHE_DIR, else $XDG_CACHE_HOME/troupe, else ~/.cache/troupe.
std::string default_cache_dir();

} // namespace troupe::cache
