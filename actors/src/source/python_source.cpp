// File: decoding .py bytes as CPython's tokenizer does (BOM, PEP 263 cookie,
// strict UTF-8, universal newlines).
#include "troupe/actors/source/python_source.hpp"

#include "source/single_byte_codec.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

namespace troupe::actors {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

bool is_cookie_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'
         || c == '.';
}

// One physical line: Python ends a line at `\n`, `\r\n` or a lone `\r`.
struct line_span {
  std::string_view text;
  std::size_t next; // offset of the following line, npos after the last one
};

line_span line_at(std::string_view s, std::size_t start) {
  auto end = s.find_first_of("\r\n", start);
  if (end == std::string_view::npos)
    return {s.substr(start), std::string_view::npos};
  auto next = end + 1;
  if (s[end] == '\r' && next < s.size() && s[next] == '\n')
    ++next;
  return {s.substr(start, end - start), next};
}

// CPython's get_coding_spec: the line must be a comment; the cookie is the
// first `coding[:=]` followed by a name. Sets `comment_or_blank` so that the
// caller knows whether line 2 may still carry a cookie.
std::optional<std::string_view> coding_spec(std::string_view line,
                                            bool& comment_or_blank) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t'
                             || line[i] == '\f'))
    ++i;
  comment_or_blank = i == line.size() || line[i] == '#';
  if (i == line.size() || line[i] != '#')
    return std::nullopt;
  for (; i + 7 <= line.size(); ++i) {
    if (line.compare(i, 6, "coding") != 0
        || (line[i + 6] != ':' && line[i + 6] != '='))
      continue;
    auto begin = i + 7;
    while (begin < line.size() && (line[begin] == ' ' || line[begin] == '\t'))
      ++begin;
    auto end = begin;
    while (end < line.size() && is_cookie_char(line[end]))
      ++end;
    if (end > begin)
      return line.substr(begin, end - begin);
  }
  return std::nullopt;
}

struct cookie_match {
  std::string_view name;
  int line;
};

std::optional<cookie_match> find_cookie(std::string_view s) {
  bool comment_or_blank = false;
  auto first = line_at(s, 0);
  if (auto name = coding_spec(first.text, comment_or_blank))
    return cookie_match{*name, 1};
  if (!comment_or_blank || first.next == std::string_view::npos
      || first.next >= s.size())
    return std::nullopt;
  if (auto name = coding_spec(line_at(s, first.next).text, comment_or_blank))
    return cookie_match{*name, 2};
  return std::nullopt;
}

// CPython's get_normal_name: the spellings the tokenizer itself recognizes.
std::string normal_name(std::string_view cookie) {
  std::string buf;
  for (std::size_t i = 0; i < cookie.size() && i < 12; ++i) {
    char c = cookie[i];
    buf += c == '_' ? '-' : static_cast<char>(std::tolower(
            static_cast<unsigned char>(c)));
  }
  auto starts = [&](std::string_view prefix) {
    return buf.compare(0, prefix.size(), prefix) == 0;
  };
  if (buf == "utf-8" || starts("utf-8-"))
    return "utf-8";
  if (buf == "latin-1" || buf == "iso-8859-1" || buf == "iso-latin-1"
      || starts("latin-1-") || starts("iso-8859-1-") || starts("iso-latin-1-"))
    return "iso-8859-1";
  return std::string{cookie};
}

// Returns the offset of the first byte that does not start a valid UTF-8
// sequence (overlong forms, surrogates and values above U+10FFFF are invalid).
std::size_t find_invalid_utf8(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi)
      return i;
    for (std::size_t k = 2; k < len; ++k)
      if ((p[i + k] & 0xC0) != 0x80)
        return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string position_of(std::string_view s, std::size_t offset,
                        std::size_t shown_offset) {
  auto before = s.substr(0, offset);
  auto line = std::count(before.begin(), before.end(), '\n') + 1;
  auto line_start = before.rfind('\n');
  auto column = line_start == std::string_view::npos ? offset
                                                     : offset - line_start - 1;
  return "byte offset " + std::to_string(shown_offset) + " (line "
         + std::to_string(line) + ", column " + std::to_string(column + 1)
         + ")";
}

void rewrite_lone_cr(std::string& text) {
  for (auto pos = text.find('\r'); pos != std::string::npos;
       pos = text.find('\r', pos + 1))
    if (pos + 1 == text.size() || text[pos + 1] != '\n')
      text[pos] = '\n';
}

decoded_source failure(source_status status, std::string detail) {
  decoded_source out;
  out.status = status;
  out.detail = std::move(detail);
  return out;
}

} // namespace

std::string_view to_string(source_status status) noexcept {
  switch (status) {
    case source_status::ok:
      return "ok";
    case source_status::binary:
      return "binary";
    case source_status::not_utf8:
      return "not_utf8";
    case source_status::too_large:
      return "too_large";
  }
  return "unknown";
}

decoded_source decode_python_source(std::string_view bytes,
                                    std::size_t max_bytes) {
  if (bytes.size() > max_bytes)
    return failure(source_status::too_large,
                   std::to_string(bytes.size()) + " bytes exceed the limit of "
                     + std::to_string(max_bytes));
  if (auto nul = bytes.find('\0'); nul != std::string_view::npos)
    return failure(source_status::binary,
                   "NUL byte at " + position_of(bytes, nul, nul));
  std::size_t skipped = 0;
  bool bom = bytes.compare(0, utf8_bom.size(), utf8_bom) == 0;
  if (bom) {
    bytes.remove_prefix(utf8_bom.size());
    skipped = utf8_bom.size();
  }
  decoded_source out;
  out.encoding = "utf-8";
  if (auto cookie = find_cookie(bytes)) {
    auto name = normal_name(cookie->name);
    auto where = " (coding cookie on line " + std::to_string(cookie->line) + ")";
    if (bom && name != "utf-8")
      return failure(source_status::not_utf8,
                     "encoding problem: " + name + " with BOM" + where);
    bool utf8 = name == "utf-8";
    const detail::single_byte_codec* codec = nullptr;
    if (!utf8)
      codec = detail::find_single_byte_codec(name, utf8);
    if (!utf8 && codec == nullptr)
      return failure(source_status::not_utf8,
                     "unsupported encoding '" + std::string{cookie->name} + "'"
                       + where);
    if (codec != nullptr) {
      out.encoding = std::string{codec->name};
      auto bad = detail::transcode_to_utf8(bytes, *codec, out.text);
      if (bad != std::string_view::npos)
        return failure(source_status::not_utf8,
                       "byte undefined in " + out.encoding + " at "
                         + position_of(bytes, bad, bad + skipped) + where);
      rewrite_lone_cr(out.text);
      return out;
    }
  }
  if (auto bad = find_invalid_utf8(bytes); bad != std::string_view::npos)
    return failure(source_status::not_utf8,
                   "invalid UTF-8 at " + position_of(bytes, bad, bad + skipped));
  out.text.assign(bytes.data(), bytes.size());
  rewrite_lone_cr(out.text);
  return out;
}

} // namespace troupe::actors
