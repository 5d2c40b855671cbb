#include "troupe/config/profile_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <system_error>
#include <tuple>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal/profile_document.hpp"
#include "internal/schema.hpp"
#include "internal/yaml_tree.hpp"

namespace troupe::config {

namespace fs = std::filesystem;
using internal::yaml_node;

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size()
         && text.substr(text.size() - suffix.size()) == suffix;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : ", ") + items[i];
  return text;
}

// The files NAME may refer to: beside the extending file, then in the search
// directories.
std::vector<fs::path> candidates(std::string_view name, const fs::path& beside,
                                 const loader_options& options) {
  std::vector<fs::path> result;
  if (profile_loader::is_path(name)) {
    fs::path path{std::string{name}};
    result.push_back(path.is_absolute() || beside.empty() ? path
                                                          : beside / path);
    return result;
  }
  auto file = std::string{name} + ".yaml";
  if (!beside.empty())
    result.push_back(beside / file);
  for (const auto& dir : options.search_dirs)
    if (std::find(result.begin(), result.end(), dir / file) == result.end())
      result.push_back(dir / file);
  return result;
}

std::string join_views(const std::vector<std::string_view>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::string{items[i]};
  return text;
}

// Where an `extends:` stands, for errors about the file it names.
struct extends_site {
  std::string file;
  int line;
  int column;
};

std::string errno_text(int err) {
  return std::error_code{err, std::generic_category()}.message();
}

// Reads the profile file at `path` into `text`: only a regular file (a
// device such as /dev/zero or a FIFO would be read without end), only up
// to `max_bytes`. Returns why it cannot be read, or nothing.
std::optional<std::string> read_profile_text(const fs::path& path, std::size_t max_bytes,
                                             std::string& text) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? std::string{"cannot open profile: no such file"}
                           : "cannot open profile: " + errno_text(errno);
  auto kind_of = [](mode_t mode) -> std::optional<std::string> {
    if (S_ISREG(mode))
      return std::nullopt;
    if (S_ISDIR(mode))
      return std::string{"is a directory, not a profile"};
    if (S_ISFIFO(mode))
      return std::string{"is a FIFO, not a profile file"};
    if (S_ISSOCK(mode))
      return std::string{"is a socket, not a profile file"};
    return std::string{"is a device, not a profile file"};
  };
  if (auto bad = kind_of(st.st_mode))
    return bad;
  auto too_large = [&](std::uint64_t size) {
    return "profile is too large (" + std::to_string(size) + " bytes, at most "
           + std::to_string(max_bytes) + ")";
  };
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return too_large(static_cast<std::uint64_t>(st.st_size));
  // Opened without blocking and checked again on the descriptor: the path
  // may have been swapped for something else since the stat.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return "cannot open profile: " + errno_text(errno);
  std::optional<std::string> bad;
  if (::fstat(fd, &st) != 0)
    bad = "cannot read profile: " + errno_text(errno);
  else
    bad = kind_of(st.st_mode);
  // At most one byte past the limit, whatever the size said (files under
  // /proc report 0).
  text.clear();
  char chunk[16384];
  while (!bad) {
    auto n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      bad = "cannot read profile: " + errno_text(errno);
      break;
    }
    if (n == 0)
      break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > max_bytes)
      bad = "profile is too large (more than " + std::to_string(max_bytes) + " bytes)";
  }
  ::close(fd);
  return bad;
}

// Loads one chain of profiles linked by `extends:`.
class chain_loader {
public:
  chain_loader(const loader_options& options, std::vector<config_error>& errors)
    : options_(options), errors_(errors) {
  }

  // Loads `path` (shown as `shown` in errors) into `out`; `extended_by`
  // is the `extends:` that named it, if any.
  bool load_file(const fs::path& path, const std::string& shown,
                 settings& out, const extends_site* extended_by = nullptr) {
    std::string text;
    if (auto why = read_profile_text(path, internal::reader_limits{}.max_bytes, text)) {
      errors_.push_back({shown, 0, 0, {}, std::move(*why)});
      return false;
    }
    std::error_code ec;
    auto id = fs::weakly_canonical(path, ec);
    stack_.push_back({ec ? path : id, shown});
    auto dir = path.parent_path();
    auto ok = load_text(text, shown, dir.empty() ? "." : dir, out, extended_by);
    stack_.pop_back();
    return ok;
  }

  // Loads the profile in `text`; `beside` is the directory of its file.
  bool load_text(std::string_view text, const std::string& shown,
                 const fs::path& beside, settings& out,
                 const extends_site* extended_by = nullptr) {
    std::vector<config_error> local;
    internal::reader_limits limits;
    limits.max_depth = options_.max_nesting_depth;
    auto root = internal::read_yaml(text, shown, limits, local);
    if (extended_by != nullptr) {
      // A file that `extends:` names but that is no profile (say
      // /etc/passwd) is refused as a whole: its errors would quote it.
      if (auto why = not_a_profile(root, local)) {
        errors_.push_back({extended_by->file, extended_by->line, extended_by->column, "extends",
                           "'" + shown + "' is not a troupe profile: " + *why});
        return false;
      }
    }
    if (root && root->type != yaml_node::kind::mapping) {
      local.push_back({shown, root->line, root->column, {},
                       "the top level of a profile must be a mapping of "
                       "keys (cache:, parallel:, ...), got "
                         + internal::describe(*root)});
      root.reset();
    }
    if (!root) {
      errors_.insert(errors_.end(), local.begin(), local.end());
      return false;
    }
    settings base;
    bool parent_ok = true;
    if (auto* ext = internal::find_extends(*root, shown, local))
      parent_ok = load_parent(*ext, shown, beside, base, local);
    internal::apply_document(*root, shown, base, origins_, local);
    std::stable_sort(local.begin(), local.end(), [](auto& x, auto& y) {
      return std::tie(x.line, x.column) < std::tie(y.line, y.column);
    });
    errors_.insert(errors_.end(), local.begin(), local.end());
    out = std::move(base);
    return parent_ok && local.empty();
  }

  const internal::origin_map& origins() const {
    return origins_;
  }

private:
  struct frame {
    fs::path id;
    std::string shown;
  };

  // Why a file named by `extends:` is no profile, without quoting it: it
  // is not YAML text, its top level is not a mapping, or a top-level key is
  // no profile key. Nothing when it looks like a profile.
  static std::optional<std::string> not_a_profile(const std::optional<yaml_node>& root,
                                                  const std::vector<config_error>& errors) {
    if (!root) {
      auto where = errors.empty() ? std::string{}
                                  : " (line " + std::to_string(errors.front().line) + ")";
      return "it is not YAML a profile could be read from" + where;
    }
    if (root->type != yaml_node::kind::mapping)
      return std::string{"its top level is not a mapping of profile keys"};
    const auto& keys = internal::top_level_keys();
    for (size_t i = 0; i < root->children.size(); i += 2) {
      const auto& key = root->children[i];
      bool known = key.type == yaml_node::kind::scalar
                   && std::find(keys.begin(), keys.end(), key.text) != keys.end();
      if (!known)
        return "line " + std::to_string(key.line) + " holds no profile key (allowed at the top: "
               + join_views(keys) + ")";
    }
    return std::nullopt;
  }

  bool load_parent(const yaml_node& ext, const std::string& shown,
                   const fs::path& beside, settings& base,
                   std::vector<config_error>& local) {
    auto fail = [&](std::string message) {
      local.push_back(
        {shown, ext.line, ext.column, "extends", std::move(message)});
      return false;
    };
    if (static_cast<int>(stack_.size()) >= options_.max_extends_depth)
      return fail("'extends' chain is longer than "
                  + std::to_string(options_.max_extends_depth) + " profiles");
    auto paths = candidates(ext.text, beside, options_);
    std::error_code ec;
    auto found = std::find_if(paths.begin(), paths.end(), [&](auto& p) {
      return fs::is_regular_file(p, ec);
    });
    if (found == paths.end()) {
      std::vector<std::string> tried;
      for (auto& p : paths)
        tried.push_back(p.string());
      return fail("profile '" + ext.text + "' not found; tried: "
                  + (tried.empty() ? "no search directories" : join(tried)));
    }
    auto id = fs::weakly_canonical(*found, ec);
    auto cycle = std::find_if(stack_.begin(), stack_.end(),
                              [&](auto& f) { return f.id == id; });
    if (cycle != stack_.end()) {
      std::string loop;
      for (auto i = cycle; i != stack_.end(); ++i)
        loop += i->shown + " -> ";
      return fail("'extends' cycle: " + loop + cycle->shown);
    }
    // The parent's errors go straight to errors_, ahead of this file's.
    extends_site site{shown, ext.line, ext.column};
    return load_file(*found, found->string(), base, &site);
  }

  const loader_options& options_;
  std::vector<config_error>& errors_;
  std::vector<frame> stack_;
  internal::origin_map origins_;
};

// Turns the outcome of a chain into a load_result.
load_result finish(bool ok, settings value, const chain_loader& chain,
                   std::string profile, std::vector<config_error> errors) {
  if (ok && errors.empty())
    internal::check_relations(value, chain.origins(), errors);
  load_result result;
  if (ok && errors.empty()) {
    value.profile = std::move(profile);
    result.value = std::move(value);
  }
  result.errors = std::move(errors);
  return result;
}

} // namespace

profile_loader::profile_loader(loader_options options)
  : options_(std::move(options)) {
}

load_result profile_loader::load(std::string_view name_or_path) const {
  if (is_path(name_or_path))
    return load_file(fs::path{std::string{name_or_path}});
  std::vector<config_error> errors;
  auto paths = candidates(name_or_path, {}, options_);
  std::error_code ec;
  auto found = std::find_if(paths.begin(), paths.end(), [&](auto& p) {
    return fs::is_regular_file(p, ec);
  });
  if (found == paths.end()) {
    std::vector<std::string> tried;
    for (auto& p : paths)
      tried.push_back(p.string());
    auto message = "no profile named '" + std::string{name_or_path}
                   + "'; tried: "
                   + (tried.empty() ? "no search directories" : join(tried));
    if (auto names = available(); !names.empty())
      message += "; available: " + join(names);
    errors.push_back({{}, 0, 0, {}, message});
    return {std::nullopt, std::move(errors)};
  }
  chain_loader chain{options_, errors};
  settings value;
  auto ok = chain.load_file(*found, found->string(), value);
  return finish(ok, std::move(value), chain, std::string{name_or_path},
                std::move(errors));
}

load_result profile_loader::load_file(const fs::path& file) const {
  std::vector<config_error> errors;
  chain_loader chain{options_, errors};
  settings value;
  auto ok = chain.load_file(file, file.string(), value);
  return finish(ok, std::move(value), chain, file.string(), std::move(errors));
}

load_result profile_loader::load_string(std::string_view text,
                                        std::string origin) const {
  std::vector<config_error> errors;
  chain_loader chain{options_, errors};
  settings value;
  auto ok = chain.load_text(text, origin, {}, value);
  return finish(ok, std::move(value), chain, std::move(origin),
                std::move(errors));
}

std::vector<std::string> profile_loader::available() const {
  std::vector<std::string> names;
  for (const auto& dir : options_.search_dirs) {
    std::error_code ec;
    for (fs::directory_iterator i{dir, ec}, end; !ec && i != end;
         i.increment(ec))
      if (i->path().extension() == ".yaml" && i->is_regular_file(ec))
        names.push_back(i->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool profile_loader::is_path(std::string_view name_or_path) noexcept {
  return name_or_path.find('/') != std::string_view::npos
         || ends_with(name_or_path, ".yaml") || ends_with(name_or_path, ".yml");
}

std::vector<fs::path> profile_path_from_env() {
  std::vector<fs::path> dirs;
  const char* value = std::getenv("TROUPE_PROFILE_PATH");
  std::string_view rest = value != nullptr ? value : "";
  while (!rest.empty()) {
    auto colon = rest.find(':');
    auto item = rest.substr(0, colon);
    if (!item.empty())
      dirs.emplace_back(std::string{item});
    rest = colon == std::string_view::npos ? std::string_view{}
                                           : rest.substr(colon + 1);
  }
  return dirs;
}

loader_options profile_search(const std::vector<std::string>& extra_dirs) {
  loader_options opts;
  for (auto& dir : profile_path_from_env())
    opts.search_dirs.push_back(dir);
  for (auto& dir : extra_dirs)
    opts.search_dirs.emplace_back(dir);
  return opts;
}

std::optional<settings> load_profile_or_report(const profile_loader& loader,
                                               const std::string& name_or_path) {
  auto res = loader.load(name_or_path);
  for (const auto& err : res.errors)
    std::cerr << "troupe: error: " << err.to_string() << '\n';
  if (!res.errors.empty() || !res.value)
    return std::nullopt;
  return res.value;
}

} // namespace troupe::config
