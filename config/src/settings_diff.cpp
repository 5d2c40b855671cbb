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
  return result;
}

} // namespace troupe::config
