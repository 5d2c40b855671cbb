#include "troupe/runtime/error.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace troupe {

caf::error make_error(errc code, std::string context) {
  if (context.empty())
    return caf::error{static_cast<std::uint8_t>(code), caf::atom("troupe")};
  return caf::error{static_cast<std::uint8_t>(code), caf::atom("troupe"),
                    caf::make_message(std::move(context))};
}

std::string render_error(const caf::error& err) {
  if (!err)
    return "ok";
  std::string out;
  if (err.category() == caf::atom("troupe")) {
    out = std::string{to_string(static_cast<errc>(err.code()))};
  } else if (err.category() == caf::atom("system")) {
    out = caf::to_string(static_cast<caf::sec>(err.code()));
  } else {
    out = caf::to_string(err.category()) + ":" + std::to_string(err.code());
  }
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    out += ": " + ctx.get_as<std::string>(0);
  else if (!ctx.empty())
    out += ": " + caf::to_string(ctx);
  return out;
}

} // namespace troupe
