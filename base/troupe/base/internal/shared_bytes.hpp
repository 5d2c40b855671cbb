// File: bytes shared between the sender and the receiver of a message while
// it stays in one process, copied only when CAF's serializer writes it for
// another node. Internal: included only by code that uses CAF.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

namespace troupe::detail {

/// Immutable bytes, shared; null and empty both mean "no bytes".
struct shared_bytes {
  std::shared_ptr<const std::string> data;

  /// The bytes, or an empty view.
  std::string_view view() const noexcept {
    return data ? std::string_view{*data} : std::string_view{};
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shared_bytes& x) {
  if constexpr (Inspector::writes_state) {
    std::string tmp;
    return f(caf::meta::type_name("shared_bytes"), tmp,
             caf::meta::load_callback([&]() -> caf::error {
               x.data = std::make_shared<const std::string>(std::move(tmp));
               return caf::none;
             }));
  } else {
    static const std::string empty;
    return f(caf::meta::type_name("shared_bytes"), x.data ? *x.data : empty);
  }
}

} // namespace troupe::detail
