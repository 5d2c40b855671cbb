#include "troupe/config/config_error.hpp"

namespace troupe::config {

std::string config_error::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':' + std::to_string(line);
      if (column > 0)
        out += ':' + std::to_string(column);
    }
    out += ": ";
  }
  if (!key_path.empty())
    out += key_path + ": ";
  return out + message;
}

} // namespace troupe::config
