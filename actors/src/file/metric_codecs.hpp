// File: the records of the built-in metric and rule-checking agents in their
// wire and disk form (Cap'n Proto, schema/metrics.capnp). Later groups read
// the records back with the decode_* functions.
#pragma once

#include <string>
#include <string_view>

#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/docstrings.hpp"
#include "troupe/actors/file/imports.hpp"
#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/file/size_metrics.hpp"
#include "troupe/actors/file/todos.hpp"

namespace troupe::actors::detail {

/// Serialises a record as one Cap'n Proto message (flat array form).
std::string encode_record(const size_metrics& record);
std::string encode_record(const file_complexity& record);
std::string encode_record(const file_imports& record);
std::string encode_record(const file_docstrings& record);
std::string encode_record(const file_todos& record);
std::string encode_record(const file_security& record);
std::string encode_record(const file_naming& record);

/// Parses a message written by the matching encode_record; false (and `out`
/// unspecified) when the bytes are not exactly one well-formed message of
/// that schema, or break the record's invariants.
[[nodiscard]] bool decode_record(std::string_view bytes, size_metrics& out);
[[nodiscard]] bool decode_record(std::string_view bytes, file_complexity& out);
[[nodiscard]] bool decode_record(std::string_view bytes, file_imports& out);
[[nodiscard]] bool decode_record(std::string_view bytes, file_docstrings& out);
[[nodiscard]] bool decode_record(std::string_view bytes, file_todos& out);
[[nodiscard]] bool decode_record(std::string_view bytes, file_security& out);
[[nodiscard]] bool decode_record(std::string_view bytes, file_naming& out);

} // namespace troupe::actors::detail
