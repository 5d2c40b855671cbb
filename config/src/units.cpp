#include "troupe/config/units.hpp"

#include <array>
#include <cctype>
#include <limits>

namespace troupe::config {

namespace {

using u64 = std::uint64_t;

struct unit {
  std::string_view name;
  u64 factor;
};

// Binary units first so that they win ties when rendering.
constexpr std::array<unit, 10> size_units{{
  {"TiB", 1ull << 40},
  {"GiB", 1ull << 30},
  {"MiB", 1ull << 20},
  {"KiB", 1ull << 10},
  {"TB", 1'000'000'000'000ull},
  {"GB", 1'000'000'000ull},
  {"MB", 1'000'000ull},
  {"kB", 1'000ull},
  {"KB", 1'000ull},
  {"B", 1ull},
}};

constexpr std::array<unit, 4> duration_units{{
  {"h", 3'600'000ull},
  {"m", 60'000ull},
  {"s", 1'000ull},
  {"ms", 1ull},
}};

constexpr std::string_view size_example =
  "a size such as 512MiB, 500MB or a byte count";
constexpr std::string_view duration_example =
  "a duration such as 250ms, 2s, 5m or 1h";

std::string got(std::string_view text) {
  if (text.empty())
    return ", got an empty value";
  return ", got '" + std::string{text} + "'";
}

// A number and its unit suffix, split at the first non-digit.
struct split_number {
  u64 number = 0;
  std::string_view suffix;
  std::string error;
};

split_number split(std::string_view text, std::string_view example) {
  split_number result;
  size_t i = 0;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) {
    result.error = "expected " + std::string{example} + got(text);
    if (!text.empty() && text[0] == '-')
      result.error += " (negative values are not allowed)";
    return result;
  }
  constexpr auto max = std::numeric_limits<u64>::max();
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
       ++i) {
    auto digit = static_cast<u64>(text[i] - '0');
    if (result.number > (max - digit) / 10) {
      result.error = "value '" + std::string{text} + "' is too large";
      return result;
    }
    result.number = result.number * 10 + digit;
  }
  if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
    result.error = "expected a whole number" + got(text)
                   + " (use a smaller unit, e.g. 1536MiB rather than 1.5GiB)";
    return result;
  }
  if (i < text.size() && text[i] == ' ')
    ++i;
  result.suffix = text.substr(i);
  return result;
}

template <size_t N>
std::string unit_list(const std::array<unit, N>& units) {
  std::string text;
  for (size_t i = 0; i < N; ++i) {
    text += i == 0 ? "" : (i + 1 == N ? " or " : ", ");
    text += units[i].name;
  }
  return text;
}

template <size_t N>
parsed<u64> scale(std::string_view text, const split_number& parts,
                  const std::array<unit, N>& units, u64 max) {
  for (const auto& u : units) {
    if (u.name != parts.suffix)
      continue;
    if (parts.number > max / u.factor)
      return {std::nullopt, "value '" + std::string{text} + "' is too large"};
    return {parts.number * u.factor, {}};
  }
  return {std::nullopt, "unknown unit '" + std::string{parts.suffix} + "' in '"
                          + std::string{text} + "'; expected "
                          + unit_list(units)};
}

} // namespace

parsed<std::uint64_t> parse_size(std::string_view text) {
  auto parts = split(text, size_example);
  if (!parts.error.empty())
    return {std::nullopt, std::move(parts.error)};
  if (parts.suffix.empty())
    return {parts.number, {}};
  return scale(text, parts, size_units, std::numeric_limits<u64>::max());
}

parsed<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto parts = split(text, duration_example);
  if (!parts.error.empty())
    return {std::nullopt, std::move(parts.error)};
  if (parts.suffix.empty())
    return {std::nullopt, "expected a duration with a unit (ms, s, m or h)"
                            + got(text)};
  constexpr auto max = static_cast<u64>(
    std::numeric_limits<std::chrono::milliseconds::rep>::max());
  auto result = scale(text, parts, duration_units, max);
  if (!result.value)
    return {std::nullopt, std::move(result.error)};
  return {std::chrono::milliseconds(
            static_cast<std::chrono::milliseconds::rep>(*result.value)),
          {}};
}

std::string render_size(std::uint64_t bytes) {
  const unit* best = nullptr;
  for (const auto& u : size_units) {
    if (u.factor == 1 || bytes == 0 || bytes % u.factor != 0)
      continue;
    if (best == nullptr || bytes / u.factor < bytes / best->factor)
      best = &u;
  }
  if (best == nullptr)
    return std::to_string(bytes);
  return std::to_string(bytes / best->factor) + std::string{best->name};
}

std::string render_duration(std::chrono::milliseconds value) {
  auto count = value.count();
  if (count == 0)
    return "0s";
  if (count < 0)
    return std::to_string(count) + "ms";
  auto ms = static_cast<u64>(count);
  for (const auto& u : duration_units)
    if (ms % u.factor == 0)
      return std::to_string(ms / u.factor) + std::string{u.name};
  return std::to_string(ms) + "ms";
}

} // namespace troupe::config
