// A full or read-only disk: puts fail with a clear error value, leave no
// files behind, and reads keep working.
#include "troupe/cache/l2_store.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>

#include <sys/mount.h>

#include "test_skip.hpp"
#include "test_support.hpp"

using namespace troupe::cache;
using namespace troupe::cache::test;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Mounts a small tmpfs for the scope, if this process may mount at all.
class tiny_tmpfs {
public:
  tiny_tmpfs(const std::string& path, const char* size) : path_(path) {
    ::mkdir(path.c_str(), 0755);
    auto opts = std::string{"size="} + size;
    mounted_ = ::mount("tmpfs", path.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~tiny_tmpfs() {
    if (mounted_)
      ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const {
    return mounted_;
  }
  bool remount_read_only() {
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY,
                   nullptr)
           == 0;
  }

private:
  std::string path_;
  bool mounted_ = false;
};

} // namespace

TEST_CASE("l2 under a path that cannot be a folder misses and fails puts") {
  scratch_dir dir;
  write_file(dir / "file", "a regular file");
  l2_options opts;
  opts.directory = dir / "file/cache";
  l2_store l2{opts};
  auto err = l2.open();
  REQUIRE(err);
  CHECK(err.code() == troupe::errc::unreadable_input);
  CHECK(err.sys_errno() == ENOTDIR);
  CHECK(contains(err.message(), "Not a directory"));
  CHECK(contains(err.message(), opts.directory));
  CHECK(l2.get(key_of(1)) == nullptr);
  auto put_err = l2.put(key_of(1), "value");
  REQUIRE(put_err);
  CHECK(put_err.sys_errno() == ENOTDIR);
  CHECK(l2.stats().write_errors == 1);
  CHECK(l2.stats().misses == 1);
}

TEST_CASE("l2 write faults return errors and leave the old record intact") {
  struct fault {
    l2_write_step step;
    int err;
  };
  auto f = GENERATE(fault{l2_write_step::create_dir, EACCES},
                    fault{l2_write_step::create_temp, EROFS},
                    fault{l2_write_step::write, ENOSPC},
                    fault{l2_write_step::sync_file, EIO},
                    fault{l2_write_step::rename, EXDEV},
                    fault{l2_write_step::sync_dir, EIO});
  // Each put on its own, or as a group commit of one record (file
  // write-back, renames, one folder sync).
  auto batch = GENERATE(std::size_t{0}, std::size_t{1});
  CAPTURE(static_cast<int>(f.step), batch);
  scratch_dir dir;
  bool failing = false;
  l2_options opts;
  opts.directory = dir / "cache";
  opts.commit_batch = batch;
  opts.fault_hook = [&](l2_write_step step) {
    return failing && step == f.step ? f.err : 0;
  };
  l2_store l2{opts};
  REQUIRE_FALSE(l2.open());
  REQUIRE_FALSE(l2.put(key_of(1), "kept"));
  failing = true;
  auto err = l2.put(key_of(2), "lost");
  REQUIRE(err);
  CHECK(err.sys_errno() == f.err);
  CHECK(contains(err.message(), std::strerror(f.err)));
  CHECK(contains(err.message(), dir.path()));
  CHECK(l2.stats().write_errors == 1);
  CHECK(temp_files(opts.directory).empty());
  // Reads still work; the failed record is absent, except when only the
  // final folder sync failed (the rename had happened, the data is whole).
  REQUIRE(l2.get(key_of(1)));
  CHECK(*l2.get(key_of(1)) == "kept");
  if (f.step == l2_write_step::sync_dir)
    CHECK(*l2.get(key_of(2)) == "lost");
  else
    CHECK(l2.get(key_of(2)) == nullptr);
  CHECK(l2.stats().corrupt == 0);
  failing = false;
  REQUIRE_FALSE(l2.put(key_of(2), "back"));
  CHECK(*l2.get(key_of(2)) == "back");
}

TEST_CASE("l2 on a real full, then read-only, file system") {
  scratch_dir dir;
  tiny_tmpfs fs{dir / "mnt", "256k"};
  if (!fs.mounted())
    TROUPE_SKIP(std::string{"cannot mount a tmpfs here ("} + std::strerror(errno)
                + "); the same faults are injected by the test above");
  l2_options opts;
  opts.directory = dir / "mnt/cache";
  l2_store l2{opts};
  REQUIRE_FALSE(l2.open());
  cache_error err;
  int written = 0;
  for (; written < 100; ++written) {
    err = l2.put(key_of(written), std::string(40'000, 'x'));
    if (err)
      break;
  }
  REQUIRE(err);
  CHECK(written > 0);
  CHECK(err.sys_errno() == ENOSPC);
  CHECK(contains(err.message(), "No space left on device"));
  CHECK(temp_files(opts.directory).empty());
  for (int i = 0; i < written; ++i)
    CHECK(l2.get(key_of(i)));
  CHECK(l2.stats().corrupt == 0);

  REQUIRE(fs.remount_read_only());
  err = l2.put(key_of(1000), "small");
  REQUIRE(err);
  CHECK(err.sys_errno() == EROFS);
  CHECK(contains(err.message(), "Read-only file system"));
  REQUIRE(l2.get(key_of(0))); // a hit cannot touch the mtime; still fine
  l2_store reopened{opts};
  CHECK_FALSE(reopened.open()); // a read-only folder opens for reading
  CHECK(reopened.get(key_of(0)));
}
