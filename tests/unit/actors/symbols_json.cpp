// File: the report.json shape of symbol records.
#include "symbols_json.hpp"

namespace troupe::actors::testing {

nlohmann::json to_json(const function_record& record) {
  return {
    {"qualname", record.qualname},
    {"name", record.name},
    {"line", record.line},
    {"end_line", record.end_line},
    {"is_async", record.is_async},
    {"is_method", record.is_method},
    {"params", record.params},
    {"annotated_params", record.annotated_params},
    {"returns_annotated", record.returns_annotated},
    {"decorators", record.decorators},
    {"has_docstring", record.has_docstring},
  };
}

nlohmann::json to_json(const class_record& record) {
  return {
    {"qualname", record.qualname},
    {"name", record.name},
    {"line", record.line},
    {"end_line", record.end_line},
    {"bases", record.bases},
    {"decorators", record.decorators},
    {"has_docstring", record.has_docstring},
  };
}

nlohmann::json to_json(const file_symbols& symbols) {
  auto functions = nlohmann::json::array();
  for (const auto& record : symbols.functions)
    functions.push_back(to_json(record));
  auto classes = nlohmann::json::array();
  for (const auto& record : symbols.classes)
    classes.push_back(to_json(record));
  return {
    {"parse_errors", symbols.parse_errors},
    {"functions", std::move(functions)},
    {"classes", std::move(classes)},
  };
}

} // namespace troupe::actors::testing
