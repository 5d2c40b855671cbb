#include "troupe/analysis/source_tree.hpp"

#include "troupe/analysis/ignore_rules.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include <dirent.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "troupe/actors/source/utf8_text.hpp"

namespace troupe {

namespace {

using dev_ino = std::pair<dev_t, ino_t>;

bool is_python(const char* name) {
  auto n = std::strlen(name);
  return n > 3 && std::strcmp(name + n - 3, ".py") == 0;
}

/// Reads a small text file relative to an open folder; empty when absent.
std::string read_small_file(int dir_fd, const char* name) {
  std::string text;
  int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return text;
  char buf[8192];
  for (;;) {
    auto n = read(fd, buf, sizeof buf);
    if (n <= 0 || text.size() > (1u << 20))
      break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

/// The rules of one folder's .gitignore; `base` is the folder relative to
/// the work tree's top ("" for the top).
struct ignore_level {
  std::string base;
  ignore_rules rules;
};

struct walker {
  const walk_options& options;
  source_tree& out;
  std::set<dev_ino> seen;
  ignore_rules user;
  /// The root relative to the work tree's top ("" when it is the top);
  /// meaningful when gitignore_on.
  std::string root_in_tree;
  bool gitignore_on = false;
  std::vector<ignore_level> levels;

  /// The path of `rel` (relative to the root) relative to the top.
  std::string tree_path(const std::string& rel) const {
    if (root_in_tree.empty())
      return rel;
    return rel.empty() ? root_in_tree : root_in_tree + "/" + rel;
  }

  bool git_ignored(const std::string& rel, bool is_dir) const {
    auto full = tree_path(rel);
    for (auto i = levels.size(); i-- > 0;) {
      const auto& level = levels[i];
      std::string_view sub = full;
      if (!level.base.empty())
        sub.remove_prefix(level.base.size() + 1);
      auto v = level.rules.match(sub, is_dir);
      if (v != ignore_rules::verdict::none)
        return v == ignore_rules::verdict::ignored;
    }
    return false;
  }

  /// Whether the entry is left out; counts it when it is.
  bool excluded(int dir_fd, const std::string& name, const std::string& rel, bool is_dir) {
    auto v = user.match(rel, is_dir);
    if (v == ignore_rules::verdict::ignored) {
      ++out.excluded_by_option;
      return true;
    }
    if (v == ignore_rules::verdict::included)
      return false;
    if (is_dir && options.default_excludes) {
      const auto& names = default_exclude_names();
      bool listed = std::find(names.begin(), names.end(), name) != names.end()
                    || glob_match("*.egg-info", name)
                    || faccessat(dir_fd, (name + "/pyvenv.cfg").c_str(), F_OK, 0) == 0;
      if (listed) {
        ++out.excluded_by_default;
        return true;
      }
    }
    if (gitignore_on && git_ignored(rel, is_dir)) {
      ++out.excluded_by_gitignore;
      return true;
    }
    return false;
  }

  void walk(const std::string& abs, const std::string& rel) {
    DIR* dir = opendir(abs.c_str());
    if (!dir) {
      out.warnings.push_back(actors::escape_non_utf8(abs) + ": cannot open directory: "
                             + std::strerror(errno));
      return;
    }
    struct closer {
      DIR* dir;
      ~closer() { closedir(dir); }
    } close_at_end{dir};
    // Regular files that are not Python (compiled caches, data) are never
    // stat'ed; the rest is, relative to the open folder (no path lookup).
    std::vector<std::string> names;
    bool has_gitignore = false;
    while (auto* entry = readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
        continue;
      if (entry->d_type == DT_REG && !is_python(entry->d_name)) {
        has_gitignore = has_gitignore || std::strcmp(entry->d_name, ".gitignore") == 0;
        continue;
      }
      names.emplace_back(entry->d_name);
    }
    std::sort(names.begin(), names.end());
    bool pushed = false;
    if (gitignore_on && has_gitignore && !rel.empty()) {
      auto rules = ignore_rules::parse(read_small_file(dirfd(dir), ".gitignore"));
      if (!rules.empty()) {
        levels.push_back({tree_path(rel), std::move(rules)});
        pushed = true;
      }
    }
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
        if (excluded(dirfd(dir), name, child_rel, true))
          continue;
        if (!seen.insert({st.st_dev, st.st_ino}).second) {
          ++out.symlink_loops;
          continue;
        }
        walk(child_abs, child_rel);
      } else if (S_ISREG(st.st_mode) && is_python(name.c_str())) {
        if (excluded(dirfd(dir), name, child_rel, false))
          continue;
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
    if (pushed)
      levels.pop_back();
  }

  /// Finds the git work tree holding `root` and reads the ignore files
  /// from its top down to the root (the root's own included).
  void find_work_tree(const std::string& root) {
    std::string top = root;
    for (;;) {
      struct stat st {};
      if (::stat((top + "/.git").c_str(), &st) == 0)
        break;
      auto slash = top.rfind('/');
      if (slash == std::string::npos || top.size() <= 1)
        return; // not in a work tree
      top.resize(slash == 0 ? 1 : slash);
      if (top == "/" && ::stat("/.git", &st) != 0)
        return;
    }
    gitignore_on = true;
    out.git_work_tree = top;
    root_in_tree = root.size() > top.size() ? root.substr(top == "/" ? 1 : top.size() + 1) : "";
    auto add_level = [&](const std::string& base, const std::string& file) {
      auto rules = ignore_rules::parse(read_small_file(AT_FDCWD, file.c_str()));
      if (!rules.empty())
        levels.push_back({base, std::move(rules)});
    };
    add_level("", top + "/.git/info/exclude");
    std::string base;
    add_level("", top + "/.gitignore");
    std::string_view rest = root_in_tree;
    while (!rest.empty()) {
      auto slash = rest.find('/');
      auto part = rest.substr(0, slash);
      base += (base.empty() ? "" : "/") + std::string{part};
      add_level(base, top + "/" + base + "/.gitignore");
      rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
  }
};

/// The dotted package name of a folder holding an `__init__.py`, through
/// every parent that holds one too; empty when `dir` is not a package.
std::string package_of(std::string dir) {
  std::string name;
  struct stat st {};
  while (dir.size() > 1 && ::stat((dir + "/__init__.py").c_str(), &st) == 0
         && S_ISREG(st.st_mode)) {
    auto slash = dir.rfind('/');
    auto part = dir.substr(slash + 1);
    name = name.empty() ? part : part + "." + name;
    dir.resize(slash == 0 ? 1 : slash);
  }
  return name;
}

} // namespace

const std::vector<std::string>& default_exclude_names() {
  static const std::vector<std::string> names{
    ".git", ".hg", ".svn", ".bzr", ".venv", ".tox", ".nox", ".direnv", ".eggs",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pytype", ".ipynb_checkpoints",
    "__pycache__", "__pypackages__", "node_modules", "site-packages", "buck-out",
  };
  return names;
}

error walk_source_tree(const std::string& root, source_tree& out) {
  return walk_source_tree(root, walk_options{{}, false, false}, out);
}

error walk_source_tree(const std::string& root, const walk_options& options, source_tree& out) {
  char resolved[PATH_MAX];
  if (!realpath(root.c_str(), resolved)) {
    int err = errno;
    return {errc::not_found, err, root + ": " + std::strerror(err)};
  }
  struct stat st {};
  if (stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode))
    return {errc::not_found, root + ": not a directory"};
  out = source_tree{};
  out.root = resolved;
  walker w{options, out, {{st.st_dev, st.st_ino}}, {}, {}, false, {}};
  for (const auto& pattern : options.exclude)
    w.user.add(pattern);
  if (options.gitignore)
    w.find_work_tree(out.root);
  w.walk(out.root, "");
  out.package = package_of(out.root);
  return {};
}

} // namespace troupe
