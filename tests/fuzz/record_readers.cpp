// Fuzzing every Cap'n Proto record reader: the first byte picks the record
// (0: symbols; 1-7: the file agents' records, size to naming); the rest is
// the record's bytes, as an L2 bundle would hand them over. A record that
// decodes must render valid JSON through its agent (what report.json
// splices in), and the corpus readers of size, complexity, imports and
// docstrings must not crash on it either.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "troupe/actors/file/file_agent.hpp"
#include "troupe/actors/file/record_codecs.hpp"
#include "troupe/actors/file/symbols_codec.hpp"
#include "troupe/actors/file/symbols_view.hpp"
#include "troupe/actors/json_writer.hpp"

namespace {

using namespace troupe::actors;
using troupe::fuzz::expect;

const std::vector<std::shared_ptr<const file_agent>>& agents() {
  static const auto list = builtin_file_agents();
  return list;
}

/// Touches every part of a decoded symbols record (the views must point
/// into memory the record owns: ASan checks each read).
std::size_t walk(const symbols_view& s) {
  std::size_t n = s.module_summary.size();
  auto texts = [&](const text_list& list) {
    for (auto t : list)
      n += t.size();
  };
  for (const auto& f : s.functions) {
    n += f.qualname.size() + f.name.size() + f.signature.size() + f.summary.size();
    texts(f.params);
    texts(f.decorators);
    texts(f.calls);
    texts(f.local_names);
  }
  for (const auto& c : s.classes) {
    n += c.qualname.size() + c.name.size() + c.summary.size();
    texts(c.bases);
    texts(c.decorators);
  }
  texts(s.names);
  texts(s.attributes);
  texts(s.exports);
  texts(s.module_calls);
  return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = troupe::fuzz::bytes(data, size);
  if (input.empty())
    return 0;
  auto which = static_cast<unsigned char>(input[0]) % (agents().size() + 1);
  input.remove_prefix(1);
  if (which == 0) {
    symbols_view view;
    if (decode_symbols(input, view))
      expect(walk(view) <= 64 * input.size() + 4096, "decoded texts come from the record");
    return 0;
  }
  const auto& agent = *agents()[which - 1];
  std::string text;
  {
    json_writer w{text};
    w.begin_object();
    bool decoded = agent.write_json(input, w);
    w.end_object();
    if (decoded)
      expect(nlohmann::json::accept(text), "a decoded record renders valid JSON");
  }
  size_metrics size_out;
  file_complexity complexity_out;
  file_imports imports_out;
  file_docstrings docstrings_out;
  (void) decode_size(input, size_out);
  (void) decode_complexity(input, complexity_out);
  (void) decode_imports(input, imports_out);
  (void) decode_docstrings(input, docstrings_out);
  return 0;
}
