#include "troupe/config/settings_diff.hpp"

#include "internal/schema.hpp"

namespace troupe::config {

std::string setting_difference::to_string() const {
  return key_path + ": " + left + " -> " + right;
}

std::vector<setting_difference> diff(const settings& a, const settings& b) {
  std::vector<setting_difference> result;
  for (const auto& f : internal::schema()) {
    auto x = f.get(a);
    auto y = f.get(b);
    if (x != y)
      result.push_back({f.path(), internal::render_value(f, x),
                        internal::render_value(f, y)});
  }
  for (const auto& f : internal::list_schema()) {
    const auto* x = f.get(a);
    const auto* y = f.get(b);
    auto shown = [](const std::vector<std::string>* items) {
      return items ? internal::render_list(*items) : std::string{"(not set)"};
    };
    if ((x == nullptr) != (y == nullptr) || (x && *x != *y))
      result.push_back({f.path(), shown(x), shown(y)});
  }
  return result;
}

} // namespace troupe::config
