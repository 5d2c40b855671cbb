// File: writing the hint files of a cache folder (the record index, the
// key history, the digest memo): readers see the old or the new file
// whole; nothing is synced, since a lost hint only costs work.
#pragma once

#include <string>
#include <string_view>

namespace troupe::cache {

/// Replaces `path` with `bytes` through a temporary file of this process
/// and a rename, without a sync. Returns 0 or an errno; the temporary file
/// never stays behind.
int replace_file(const std::string& path, std::string_view bytes);

} // namespace troupe::cache
