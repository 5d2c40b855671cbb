#include "troupe/cache/key_history.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "l2_files.hpp"

namespace troupe::cache {

namespace {

constexpr std::string_view magic_line = "troupe-key-history 1\n";

// Fields are written as "<length>:<bytes>", so any byte may appear in them.
void put_field(std::string& out, std::string_view x) {
  out += std::to_string(x.size());
  out += ':';
  out += x;
}

class field_reader {
public:
  explicit field_reader(std::string_view text) : text_(text) {
  }

  bool at_end() const noexcept {
    return text_.empty();
  }

  void skip_newline() noexcept {
    if (!text_.empty() && text_.front() == '\n')
      text_.remove_prefix(1);
  }

  std::optional<std::string_view> next() noexcept {
    std::size_t length = 0;
    std::size_t i = 0;
    while (i < text_.size() && text_[i] >= '0' && text_[i] <= '9' && i < 12)
      length = length * 10 + static_cast<std::size_t>(text_[i++] - '0');
    if (i == 0 || i >= text_.size() || text_[i] != ':'
        || text_.size() - i - 1 < length)
      return std::nullopt;
    auto field = text_.substr(i + 1, length);
    text_.remove_prefix(i + 1 + length);
    return field;
  }

private:
  std::string_view text_;
};

} // namespace

std::optional<std::vector<std::string>>
key_history::remember(std::string_view agent, std::string_view input,
                      const key_parts& parts, const cache_key& key,
                      bool missed) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(slot_view{agent, input});
  if (i == entries_.end()) {
    entries_.emplace(slot{std::string{agent}, std::string{input}},
                     entry{key, parts});
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> why;
  if (missed)
    why = diff_key_parts(i->second.parts, parts);
  if (i->second.key != key) {
    i->second.key = key;
    i->second.parts = parts;
  }
  return why;
}

std::optional<key_parts> key_history::last(std::string_view agent,
                                           std::string_view input) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(slot_view{agent, input});
  if (i == entries_.end())
    return std::nullopt;
  return i->second.parts;
}

std::size_t key_history::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return entries_.size();
}

cache_error key_history::save(const std::string& path) const {
  std::string out{magic_line};
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& [where, x] : entries_) {
      put_field(out, where.agent);
      put_field(out, where.input);
      put_field(out, x.parts.agent_id);
      put_field(out, x.parts.agent_version);
      put_field(out, x.parts.grammar_version);
      put_field(out, x.parts.settings);
      put_field(out, x.parts.input.hex());
      put_field(out, std::to_string(x.parts.upstream.size()));
      for (auto& up : x.parts.upstream) {
        put_field(out, up.name);
        put_field(out, up.value.hex());
      }
      out += '\n';
    }
  }
  auto tmp = path + ".tmp-" + std::to_string(::getpid());
  auto fail = [&](int err) {
    std::remove(tmp.c_str());
    return cache_error{errc::unreadable_input, err,
                       "cannot write key history " + path + ": "
                         + detail::errno_text(err)};
  };
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr)
    return fail(errno);
  bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  int err = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok)
    return fail(err);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return fail(errno);
  return {};
}

cache_error key_history::load(const std::string& path) {
  std::string text;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[1 << 14];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;)
      text.append(buf, n);
    std::fclose(f);
  } else {
    int err = errno;
    std::lock_guard<std::mutex> guard{mtx_};
    entries_.clear();
    if (err == ENOENT)
      return {};
    return cache_error{errc::unreadable_input, err,
                       "cannot read key history " + path + ": "
                         + detail::errno_text(err)};
  }
  std::map<slot, entry, slot_less> loaded;
  auto malformed = [&] {
    std::lock_guard<std::mutex> guard{mtx_};
    entries_.clear();
    return cache_error{errc::corrupt_record, 0,
                       "malformed key history " + path};
  };
  if (std::string_view{text}.substr(0, magic_line.size()) != magic_line)
    return malformed();
  field_reader reader{std::string_view{text}.substr(magic_line.size())};
  while (!reader.at_end()) {
    std::optional<std::string_view> f[8];
    for (auto& x : f)
      if (!(x = reader.next()))
        return malformed();
    key_parts parts;
    parts.agent_id = std::string{*f[2]};
    parts.agent_version = std::string{*f[3]};
    parts.grammar_version = std::string{*f[4]};
    parts.settings = std::string{*f[5]};
    auto input = digest::from_hex(*f[6]);
    auto count = std::strtoull(std::string{*f[7]}.c_str(), nullptr, 10);
    if (!input || count > 4096)
      return malformed();
    parts.input = *input;
    for (unsigned long long n = 0; n < count; ++n) {
      auto name = reader.next();
      auto hex = name ? reader.next() : std::nullopt;
      auto value = hex ? digest::from_hex(*hex) : std::nullopt;
      if (!value)
        return malformed();
      parts.upstream.push_back(upstream_digest{std::string{*name}, *value});
    }
    reader.skip_newline();
    auto key = parts.key();
    loaded[slot{std::string{*f[0]}, std::string{*f[1]}}]
      = entry{key, std::move(parts)};
  }
  std::lock_guard<std::mutex> guard{mtx_};
  entries_ = std::move(loaded);
  return {};
}

} // namespace troupe::cache
