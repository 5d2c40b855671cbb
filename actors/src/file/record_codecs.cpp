#include "troupe/actors/file/record_codecs.hpp"

#include "file/metric_codecs.hpp"

namespace troupe::actors {

bool decode_size(std::string_view bytes, size_metrics& out) {
  return detail::decode_record(bytes, out);
}

bool decode_complexity(std::string_view bytes, file_complexity& out) {
  return detail::decode_record(bytes, out);
}

bool decode_imports(std::string_view bytes, file_imports& out) {
  return detail::decode_record(bytes, out);
}

bool decode_docstrings(std::string_view bytes, file_docstrings& out) {
  return detail::decode_record(bytes, out);
}

bool decode_todos(std::string_view bytes, file_todos& out) {
  return detail::decode_record(bytes, out);
}

bool decode_security(std::string_view bytes, file_security& out) {
  return detail::decode_record(bytes, out);
}

bool decode_naming(std::string_view bytes, file_naming& out) {
  return detail::decode_record(bytes, out);
}

} // namespace troupe::actors
