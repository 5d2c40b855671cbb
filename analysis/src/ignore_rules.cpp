#include "troupe/analysis/ignore_rules.hpp"

namespace troupe {

namespace {

using sv = std::string_view;

/// Matches a bracket expression at p[0] == '[' against c; sets `len` to
/// the expression's length, 0 when it is not closed (then '[' is literal).
bool match_class(sv p, char c, std::size_t& len) {
  std::size_t i = 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate)
    ++i;
  bool matched = false;
  bool first = true;
  for (; i < p.size(); ++i) {
    char lo = p[i];
    if (lo == ']' && !first) {
      len = i + 1;
      return matched != negate && c != '/';
    }
    first = false;
    if (lo == '\\' && i + 1 < p.size())
      lo = p[++i];
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      if (hi == '\\' && i + 3 < p.size()) {
        hi = p[i + 3];
        ++i;
      }
      i += 2;
    }
    if (lo <= c && c <= hi)
      matched = true;
  }
  len = 0;
  return false;
}

bool wild(sv p, sv t, bool at_segment_start) {
  std::size_t pi = 0;
  std::size_t ti = 0;
  while (pi < p.size()) {
    char pc = p[pi];
    if (pc == '*') {
      bool double_star = pi + 1 < p.size() && p[pi + 1] == '*';
      if (double_star) {
        auto end = pi;
        while (end < p.size() && p[end] == '*')
          ++end;
        bool starts = at_segment_start && (pi == 0 || p[pi - 1] == '/');
        if (starts && end == p.size())
          return true; // a trailing `**` matches everything below
        if (starts && p[end] == '/') {
          // `**/`: zero or more whole folders.
          auto rest = p.substr(end + 1);
          if (wild(rest, t.substr(ti), true))
            return true;
          for (auto k = ti; k < t.size(); ++k)
            if (t[k] == '/' && wild(rest, t.substr(k + 1), true))
              return true;
          return false;
        }
        pi = end - 1; // any other run of stars is one star
      }
      auto rest = p.substr(pi + 1);
      for (auto k = ti;; ++k) {
        if (wild(rest, t.substr(k), false))
          return true;
        if (k >= t.size() || t[k] == '/')
          return false;
      }
    }
    if (ti >= t.size())
      return false;
    char tc = t[ti];
    if (pc == '?') {
      if (tc == '/')
        return false;
    } else if (pc == '[') {
      std::size_t len = 0;
      bool ok = match_class(p.substr(pi), tc, len);
      if (len != 0) {
        if (!ok)
          return false;
        pi += len;
        ++ti;
        at_segment_start = false;
        continue;
      }
      if (tc != '[')
        return false;
    } else {
      if (pc == '\\' && pi + 1 < p.size())
        pc = p[++pi];
      if (pc != tc)
        return false;
    }
    at_segment_start = tc == '/';
    ++pi;
    ++ti;
  }
  return ti == t.size();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view path) noexcept {
  return wild(pattern, path, true);
}

ignore_rules ignore_rules::parse(std::string_view text) {
  ignore_rules rules;
  while (!text.empty()) {
    auto nl = text.find('\n');
    rules.add(text.substr(0, nl));
    text = nl == sv::npos ? sv{} : text.substr(nl + 1);
  }
  return rules;
}

void ignore_rules::add(std::string_view line) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  // Trailing spaces go unless escaped with a backslash.
  while (!line.empty() && line.back() == ' '
         && !(line.size() >= 2 && line[line.size() - 2] == '\\'))
    line.remove_suffix(1);
  if (line.empty() || line.front() == '#')
    return;
  pattern p;
  if (line.front() == '!') {
    p.negated = true;
    line.remove_prefix(1);
  } else if (line.size() >= 2 && line[0] == '\\' && (line[1] == '#' || line[1] == '!')) {
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    p.dir_only = true;
    line.remove_suffix(1);
  }
  if (line.empty())
    return;
  p.anchored = line.find('/') != sv::npos;
  if (line.front() == '/')
    line.remove_prefix(1);
  p.glob.assign(line);
  patterns_.push_back(std::move(p));
}

ignore_rules::verdict ignore_rules::match(std::string_view rel, bool is_dir) const noexcept {
  auto slash = rel.rfind('/');
  auto name = slash == sv::npos ? rel : rel.substr(slash + 1);
  for (auto i = patterns_.size(); i-- > 0;) {
    const auto& p = patterns_[i];
    if (p.dir_only && !is_dir)
      continue;
    if (glob_match(p.glob, p.anchored ? rel : name))
      return p.negated ? verdict::included : verdict::ignored;
  }
  return verdict::none;
}

} // namespace troupe
