// troupe_corpus_edit: the untimed preparation of the cache scenarios: a
// private copy of the corpus, a cleared or filled cache folder, and a fixed
// share of the copy's files changed before a sample.
//
//   troupe_corpus_edit [--source DIR --copy DIR] [--clear DIR]
//                      [--change-every N [--rotate]]
//                      [--fill-if-empty DIR -- COMMAND ARGS...]
//
// Steps, in this order, each only when its option is given:
//   --source/--copy  copy every *.py file of the source (symlinks followed)
//                    to the copy, once: a marker file records a complete copy.
//   --clear          delete the folder (a cold cache).
//   --fill-if-empty  when the folder is missing or empty, run COMMAND (e.g.
//                    `troupe run COPY --cache-dir DIR`) to fill it first.
//   --change-every   append a unique comment line to every Nth *.py file of
//                    the copy in sorted path order, starting at the first
//                    (or, with --rotate, at edit number mod N, so successive
//                    edits change different files). A counter kept in the
//                    copy makes the content new on every call.
// Only regular files of the copy are ever written; the source is only read.
// Before exiting it syncs the file systems (see main).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

constexpr const char* copy_marker = ".troupe-bench-copy-complete";
constexpr const char* edit_counter = ".troupe-bench-edits";

struct edit_args {
  fs::path source;
  fs::path copy;
  fs::path clear;
  fs::path fill_dir;
  std::vector<std::string> fill_command;
  unsigned every = 0;
  bool rotate = false;
};

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "troupe_corpus_edit: %s\n", why.c_str());
  std::exit(why.rfind("usage", 0) == 0 ? 2 : 1);
}

edit_args parse(int argc, char** argv) {
  edit_args a;
  for (int i = 1; i < argc; ++i) {
    std::string key = argv[i];
    if (key == "--rotate") {
      a.rotate = true;
      continue;
    }
    if (key == "--") {
      a.fill_command.assign(argv + i + 1, argv + argc);
      break;
    }
    if (i + 1 >= argc)
      fail("usage: missing value for " + key);
    std::string value = argv[++i];
    if (key == "--source")
      a.source = value;
    else if (key == "--copy")
      a.copy = value;
    else if (key == "--clear")
      a.clear = value;
    else if (key == "--fill-if-empty")
      a.fill_dir = value;
    else if (key == "--change-every")
      a.every = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else
      fail("usage: unknown option " + key);
  }
  if (a.source.empty() != a.copy.empty())
    fail("usage: --source and --copy go together");
  if (a.fill_dir.empty() != a.fill_command.empty())
    fail("usage: --fill-if-empty DIR needs `-- COMMAND ...` at the end");
  if (a.every > 0 && a.copy.empty())
    fail("usage: --change-every needs --copy");
  return a;
}

bool is_python(const fs::path& p) {
  return p.extension() == ".py";
}

/// `p` relative to `base` by name only: fs::relative would resolve a
/// symlink and could point outside the folder (into /etc, say).
fs::path inside(const fs::path& p, const fs::path& base) {
  auto rel = p.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..")
    fail(p.string() + " is not inside " + base.string());
  return rel;
}

void make_copy(const edit_args& a) {
  std::error_code ec;
  if (fs::exists(a.copy / copy_marker, ec))
    return;
  fs::remove_all(a.copy, ec);
  std::size_t files = 0;
  auto opts = fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator{a.source, opts, ec};
       !ec && it != fs::recursive_directory_iterator{}; it.increment(ec)) {
    if (!is_python(it->path()) || !fs::is_regular_file(it->path(), ec))
      continue; // is_regular_file follows symlinks: their targets are copied
    auto target = a.copy / inside(it->path(), a.source);
    fs::create_directories(target.parent_path(), ec);
    if (!ec)
      fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, ec);
    if (ec)
      fail("cannot copy " + it->path().string() + ": " + ec.message());
    ++files;
  }
  if (ec)
    fail("cannot walk " + a.source.string() + ": " + ec.message());
  std::ofstream{a.copy / copy_marker} << files << '\n';
  std::printf("copied %zu files to %s\n", files, a.copy.c_str());
}

void fill_if_empty(const edit_args& a) {
  std::error_code ec;
  if (fs::exists(a.fill_dir, ec) && !fs::is_empty(a.fill_dir, ec))
    return;
  std::vector<char*> argv;
  for (const auto& s : a.fill_command)
    argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("filling " + a.fill_dir.string() + " failed");
  std::printf("filled %s\n", a.fill_dir.c_str());
}

void change_files(const edit_args& a) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator{a.copy, ec};
       !ec && it != fs::recursive_directory_iterator{}; it.increment(ec))
    if (is_python(it->path()) && it->is_regular_file(ec) && !it->is_symlink(ec))
      files.push_back(inside(it->path(), a.copy));
  if (ec)
    fail("cannot walk " + a.copy.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& x, const fs::path& y) { return x.generic_string() < y.generic_string(); });
  unsigned long long edit = 0;
  std::ifstream{a.copy / edit_counter} >> edit;
  ++edit;
  std::ofstream{a.copy / edit_counter, std::ios::trunc} << edit << '\n';
  auto first = a.rotate ? edit % a.every : 0;
  std::size_t changed = 0;
  for (auto i = first; i < files.size(); i += a.every) {
    auto path = a.copy / files[i];
    char last = '\n';
    {
      std::ifstream in{path, std::ios::binary | std::ios::ate};
      if (in && in.tellg() > 0) {
        in.seekg(-1, std::ios::end);
        in.get(last);
      }
    }
    std::ofstream out{path, std::ios::binary | std::ios::app};
    out << (last == '\n' ? "" : "\n") << "# troupe bench edit " << edit << " of "
        << files[i].generic_string() << '\n';
    if (!out)
      fail("cannot change " + path.string());
    ++changed;
  }
  std::printf("edit %llu: changed %zu of %zu files\n", edit, changed, files.size());
}

} // namespace

int main(int argc, char** argv) {
  auto a = parse(argc, argv);
  if (!a.copy.empty())
    make_copy(a);
  if (!a.clear.empty()) {
    std::error_code ec;
    fs::remove_all(a.clear, ec);
    if (ec)
      fail("cannot clear " + a.clear.string() + ": " + ec.message());
  }
  if (!a.fill_dir.empty())
    fill_if_empty(a);
  if (a.every > 0)
    change_files(a);
  // Everything written or deleted above (and by the previous sample, e.g.
  // a cold run's 100+ MB of records and reports) reaches the disk now, not
  // during the timed run that follows: a sample then starts from the same
  // quiet file system whichever variant ran before it.
  ::sync();
  return 0;
}
