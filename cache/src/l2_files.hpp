// File: POSIX helpers of the L2 store (private).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "troupe/cache/cache_key.hpp"
#include "troupe/cache/hint_file.hpp"

namespace troupe::cache::detail {

/// The readable text of an errno value, thread-safe.
std::string errno_text(int err);

/// Writes all of `size` bytes; returns 0 or an errno.
int write_all(int fd, const void* data, std::size_t size);

/// Fsyncs a folder so that a rename or unlink in it survives a crash;
/// returns 0 or an errno.
int fsync_dir(const std::string& path);

/// Creates `path` and its missing parents; returns 0 or an errno.
int make_dirs(const std::string& path);

/// Removes whatever is at `path` without following a symlink there: a
/// file, a symlink, or a folder with everything in it (a record's place
/// taken by something else); returns 0 or an errno (ENOENT when nothing
/// was there).
int remove_entry(const std::string& path);

/// A fresh temporary file name for a record of `key` written by this
/// process: ".tmp-<host tag>-<pid>-<sequence>-<key hex>".
std::string temp_name(const cache_key& key);

/// What a temporary file name says about its writer.
struct temp_writer {
  /// Whether the writer ran on this host (so its pid can be checked).
  bool same_host;
  /// The writer's process id.
  pid_t pid;
};

/// Whether `name` is a temporary file of the store.
bool is_temp_name(std::string_view name) noexcept;

/// The writer of a temporary file, or nullopt if the name is malformed.
std::optional<temp_writer> parse_temp_name(std::string_view name) noexcept;

/// Whether a process with this pid exists on this host.
bool process_alive(pid_t pid) noexcept;

/// The key of a record file name "<32 hex>.rec", or nullopt.
std::optional<cache_key> parse_record_name(std::string_view name) noexcept;

} // namespace troupe::cache::detail
