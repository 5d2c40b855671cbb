#include "troupe/config/validate.hpp"

#include "internal/profile_document.hpp"
#include "internal/schema.hpp"

namespace troupe::config {

std::vector<config_error> validate(const settings& value) {
  std::vector<config_error> errors;
  for (const auto& f : internal::schema()) {
    auto x = f.get(value);
    if (x >= f.min && x <= f.max)
      continue;
    auto shown = f.kind == internal::value_kind::choice
                   ? std::to_string(x)
                   : internal::render_value(f, x);
    auto range = internal::range_text(f);
    errors.push_back({{}, 0, 0, f.path(),
                      "out of range: " + shown + " is not "
                        + (range.empty() ? internal::expectation(f) : range)});
  }
  if (errors.empty())
    internal::check_relations(value, {}, errors);
  return errors;
}

} // namespace troupe::config
