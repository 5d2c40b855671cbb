// Top-level import names whose package-index project has another name.
// Only well-known, unambiguous cases; anything else is looked up under its
// own name (the index normalises case, `-`, `_` and `.`).
#include "corpus/known_modules.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace troupe::corpus::detail {

namespace {

// Sorted by import name, for binary search.
constexpr std::pair<std::string_view, std::string_view> projects[] = {
  {"OpenSSL", "pyOpenSSL"},
  {"PIL", "Pillow"},
  {"bs4", "beautifulsoup4"},
  {"cv2", "opencv-python"},
  {"dateutil", "python-dateutil"},
  {"dotenv", "python-dotenv"},
  {"google", "google-auth"},
  {"jwt", "PyJWT"},
  {"magic", "python-magic"},
  {"nacl", "PyNaCl"},
  {"paho", "paho-mqtt"},
  {"serial", "pyserial"},
  {"sklearn", "scikit-learn"},
  {"websocket", "websocket-client"},
  {"yaml", "PyYAML"},
  {"zmq", "pyzmq"},
};

} // namespace

std::string project_for_import(std::string_view top_level) {
  auto it = std::lower_bound(std::begin(projects), std::end(projects), top_level,
                             [](const auto& p, std::string_view name) { return p.first < name; });
  if (it != std::end(projects) && it->first == top_level)
    return std::string{it->second};
  return std::string{top_level};
}

} // namespace troupe::corpus::detail
