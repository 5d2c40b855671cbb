#include "troupe/actors/corpus/folder_listing.hpp"

#include <system_error>

namespace troupe::corpus {

namespace fs = std::filesystem;

bool folder_listing::contains(const std::string& relative) {
  auto rel = fs::path{relative};
  auto folder = rel.parent_path().string();
  auto listed = listings_.find(folder);
  if (listed == listings_.end()) {
    std::set<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator d{root_ / folder, ec}, end; !ec && d != end; d.increment(ec))
      names.insert(d->path().filename().string());
    listed = listings_.emplace(folder, std::move(names)).first;
  }
  return listed->second.count(rel.filename().string()) > 0;
}

} // namespace troupe::corpus
