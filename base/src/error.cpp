#include "troupe/base/error.hpp"

namespace troupe {

std::string error::to_string() const {
  if (!*this)
    return "ok";
  std::string out{troupe::to_string(code_)};
  if (!message_.empty())
    out.append(": ").append(message_);
  return out;
}

} // namespace troupe
