// File: how the bench reports print numbers. Internal.
#pragma once

#include <cstdio>
#include <string>
#include <utility>

namespace troupe::scenarios::detail {

/// `x` with `digits` decimals, never with an exponent.
inline std::string fixed(double x, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

/// A share as a percentage with one decimal ("14.2%").
inline std::string percent(double share) {
  return fixed(100 * share, 1) + "%";
}

/// Seconds with a precision that suits their size.
inline std::string seconds(double s) {
  return fixed(s, s < 0.001 ? 6 : s < 0.1 ? 4 : 3);
}

/// "lo-hi" of an interval.
inline std::string range(std::pair<double, double> ci, int digits = 2) {
  return fixed(ci.first, digits) + "-" + fixed(ci.second, digits);
}

} // namespace troupe::scenarios::detail
