// File: the report.json shape of symbol records, shared by the fixture test
// and the troupe_symbols_dump harness.
#pragma once

#include <nlohmann/json.hpp>

#include "troupe/actors/file/symbol_records.hpp"

namespace troupe::actors::testing {

/// One function as report.json lists it (plus is_async, is_method, decorators).
nlohmann::json to_json(const function_record& record);

/// One class as report.json lists it (plus bases and decorators).
nlohmann::json to_json(const class_record& record);

/// The `functions` and `classes` arrays of one report.json file entry.
nlohmann::json to_json(const file_symbols& symbols);

} // namespace troupe::actors::testing
