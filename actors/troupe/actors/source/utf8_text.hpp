// File: checking that text is UTF-8, and showing bytes that are not in a
// form every JSON parser accepts (file names on Linux are bytes).
#pragma once

#include <string>
#include <string_view>

namespace troupe::actors {

/// Whether `text` is well-formed UTF-8 (shortest forms, no surrogates,
/// nothing above U+10FFFF).
bool is_utf8(std::string_view text) noexcept;

/// `text` as UTF-8: unchanged when it is UTF-8; otherwise every byte that is
/// not part of a well-formed sequence becomes `\xHH` and every backslash
/// `\\`, so that the bytes can be recovered from the result (as Python's
/// "backslashreplace" shows them, with backslashes doubled).
std::string escape_non_utf8(std::string_view text);

} // namespace troupe::actors
