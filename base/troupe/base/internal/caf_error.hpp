// File: troupe::error <-> caf::error, for code that talks to actors. Internal:
// never installed; only translation units that already use CAF include it.
//
// Inside the actor system an error travels as a `caf::error` of the category
// "troupe" whose context is (message, errno), so that it survives CAF's
// binary serializer and crosses nodes unchanged.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/sec.hpp>

#include "troupe/base/error.hpp"

namespace troupe::detail {

/// The category under which troupe's codes are registered with CAF.
constexpr caf::atom_value error_category = caf::atom("troupe");

/// The CAF form of `err` (an empty caf::error for no error).
inline caf::error to_caf(const troupe::error& err) {
  if (!err)
    return {};
  return caf::error{static_cast<std::uint8_t>(err.code()), error_category,
                    caf::make_message(err.message(), static_cast<std::int32_t>(err.sys_errno()))};
}

/// A troupe::error with `code` and `message`, in CAF's form.
inline caf::error make_caf_error(errc code, std::string message) {
  return caf::error{static_cast<std::uint8_t>(code), error_category,
                    caf::make_message(std::move(message), std::int32_t{0})};
}

/// The troupe form of any CAF error: troupe's own keep code, message and
/// errno; CAF's system errors map to the nearest code with their text.
inline troupe::error from_caf(const caf::error& err) {
  if (!err)
    return {};
  const auto& ctx = err.context();
  if (err.category() == error_category) {
    auto code = static_cast<errc>(err.code());
    if (ctx.match_elements<std::string, std::int32_t>())
      return {code, ctx.get_as<std::int32_t>(1), ctx.get_as<std::string>(0)};
    if (ctx.match_elements<std::string>())
      return {code, ctx.get_as<std::string>(0)};
    return {code, ctx.empty() ? std::string{} : caf::to_string(ctx)};
  }
  std::string text;
  auto code = errc::runtime_failure;
  if (err.category() == caf::atom("system")) {
    auto sec = static_cast<caf::sec>(err.code());
    text = caf::to_string(sec);
    switch (sec) {
      case caf::sec::request_timeout: code = errc::task_timeout; break;
      case caf::sec::request_receiver_down:
      case caf::sec::no_route_to_receiving_node:
      case caf::sec::cannot_connect_to_node:
      case caf::sec::disconnect_during_handshake:
      case caf::sec::connection_timeout:
      case caf::sec::remote_linking_failed: code = errc::peer_unreachable; break;
      default: break;
    }
  } else {
    text = caf::to_string(err.category()) + ":" + std::to_string(err.code());
  }
  if (!ctx.empty())
    text += " " + caf::to_string(ctx);
  return {code, std::move(text)};
}

} // namespace troupe::detail
