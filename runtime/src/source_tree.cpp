#include "troupe/runtime/source_tree.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "troupe/actors/utf8_text.hpp"

namespace troupe {

namespace {

using dev_ino = std::pair<dev_t, ino_t>;

bool is_python(const char* name) {
  auto n = std::strlen(name);
  return n > 3 && std::strcmp(name + n - 3, ".py") == 0;
}

void walk(const std::string& abs, const std::string& rel, std::set<dev_ino>& seen,
          source_tree& out) {
  DIR* dir = opendir(abs.c_str());
  if (!dir) {
    out.warnings.push_back(actors::escape_non_utf8(abs) + ": cannot open directory: "
                           + std::strerror(errno));
    return;
  }
  // Regular files that are not Python (compiled caches, data) are never
  // stat'ed; the rest is, relative to the open folder (no path lookup).
  std::vector<std::string> names;
  while (auto* entry = readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
      continue;
    if (entry->d_type == DT_REG && !is_python(entry->d_name))
      continue;
    names.emplace_back(entry->d_name);
  }
  std::sort(names.begin(), names.end());
  struct closer {
    DIR* dir;
    ~closer() { closedir(dir); }
  } close_at_end{dir};
  for (const auto& name : names) {
    auto child_abs = abs + "/" + name;
    auto child_rel = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (fstatat(dirfd(dir), name.c_str(), &st, 0) != 0) {
      // A dangling symlink or a file that vanished while walking.
      if (is_python(name.c_str()))
        out.warnings.push_back(actors::escape_non_utf8(child_rel) + ": cannot stat: "
                               + std::strerror(errno));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (!seen.insert({st.st_dev, st.st_ino}).second) {
        ++out.symlink_loops;
        continue;
      }
      walk(child_abs, child_rel, seen, out);
    } else if (S_ISREG(st.st_mode) && is_python(name.c_str())) {
      auto ns = [](const timespec& t) {
        return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
      };
      bool utf8 = actors::is_utf8(child_rel);
      out.files.push_back({utf8 ? child_rel : actors::escape_non_utf8(child_rel),
                           static_cast<std::uint64_t>(st.st_size),
                           static_cast<std::uint64_t>(st.st_dev),
                           static_cast<std::uint64_t>(st.st_ino), ns(st.st_mtim),
                           ns(st.st_ctim), !utf8});
    }
  }
}

} // namespace

bool walk_source_tree(const std::string& root, source_tree& out, std::string& error) {
  char resolved[PATH_MAX];
  if (!realpath(root.c_str(), resolved)) {
    error = root + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = root + ": not a directory";
    return false;
  }
  out = source_tree{};
  out.root = resolved;
  std::set<dev_ino> seen{{st.st_dev, st.st_ino}};
  walk(out.root, "", seen, out);
  return true;
}

} // namespace troupe
