// File: the `symbols` record in its wire and disk form (Cap'n Proto).
#pragma once

#include <string>
#include <string_view>

#include "troupe/actors/file/symbol_records.hpp"
#include "troupe/actors/file/symbols_view.hpp"

namespace troupe::actors {

/// Serialises a file's symbols as a Cap'n Proto message (flat array form).
std::string encode_symbols(const file_symbols& symbols);

/// Parses a message written by `encode_symbols`; false (and `out` unspecified)
/// when the bytes are not a well-formed message of that schema. Callers check
/// the record's checksum before; this is the second line of defence.
[[nodiscard]] bool decode_symbols(std::string_view bytes, symbols_view& out);

/// The compact form of extracted symbols: encoded into `record` (the
/// record's bytes), then decoded.
symbols_view view_symbols(const file_symbols& symbols, std::string& record);

} // namespace troupe::actors
