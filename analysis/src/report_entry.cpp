#include "troupe/analysis/internal/report_entry.hpp"

#include <cstdint>
#include <stdexcept>

#include <lz4.h>

#include "troupe/actors/file/record_codecs.hpp"
#include "troupe/actors/file/symbols_agent.hpp"
#include "troupe/actors/json_writer.hpp"

namespace troupe::detail {

namespace {

/// Version of the entry text; bump when write_function, write_class, the
/// layout below or the packed form changes.
constexpr std::string_view entry_format = "3";

/// Bytes of the packed form's length prefix.
constexpr std::size_t length_bytes = 4;

void write_function(actors::json_writer& w, const actors::function_view& f,
                    const actors::function_complexity* complexity) {
  w.begin_object()
    .value("qualname", f.qualname)
    .value("name", f.name)
    .value("line", f.line)
    .value("end_line", f.end_line)
    .value("async", f.is_async)
    .value("method", f.is_method)
    .value("params", f.params)
    .value("annotated_params", f.annotated_params)
    .value("first_param_annotated", f.first_param_annotated)
    .value("returns_annotated", f.returns_annotated)
    .value("decorators", f.decorators)
    .value("docstring", f.has_docstring)
    .value("signature", f.signature);
  if (complexity)
    w.value("complexity", complexity->complexity);
  w.end_object();
}

void write_class(actors::json_writer& w, const actors::class_view& c) {
  w.begin_object()
    .value("qualname", c.qualname)
    .value("name", c.name)
    .value("line", c.line)
    .value("end_line", c.end_line)
    .value("bases", c.bases)
    .value("decorators", c.decorators)
    .value("docstring", c.has_docstring)
    .end_object();
}

/// The two objects of an entry's text; false (and both left as they were)
/// when it is not of that form.
bool split_report_entry(std::string_view entry, std::string_view& symbols_part,
                        std::string_view& records_part) {
  auto cut = entry.find('\n');
  if (cut == std::string_view::npos)
    return false;
  auto head = entry.substr(0, cut), tail = entry.substr(cut + 1);
  auto object = [](std::string_view s) {
    return s.size() >= 2 && s.front() == '{' && s.back() == '}';
  };
  if (!object(head) || !object(tail))
    return false;
  symbols_part = head;
  records_part = tail;
  return true;
}

} // namespace

std::string report_entry_version(const file_agent_list& agents) {
  std::string v{entry_format};
  v += " symbols:";
  v += actors::symbols_agent::version;
  for (const auto& a : agents) {
    const auto& d = a->descriptor();
    v += ' ';
    v += d.id;
    v += ':';
    v += std::to_string(d.version);
  }
  return v;
}

bool render_report_entry(const actors::symbols_view& symbols,
                         const std::vector<std::shared_ptr<const std::string>>& records,
                         const file_agent_list& agents, std::string& out,
                         const std::vector<std::string>& failures) {
  bool ok = true;
  // The complexity record lists the same defs by line.
  actors::file_complexity complexity;
  for (std::size_t i = 0; i < agents.size() && i < records.size(); ++i)
    if (records[i] && agents[i]->descriptor().id == "complexity"
        && !actors::decode_complexity(*records[i], complexity)) {
      complexity = {};
      ok = false;
    }
  out.clear();
  actors::json_writer w{out};
  w.begin_object().begin_array("functions");
  actors::pair_complexity(complexity, symbols,
                          [&](std::size_t, const actors::function_view& fn,
                              const actors::function_complexity* cx) { write_function(w, fn, cx); });
  w.end_array().begin_array("classes");
  for (const auto& cl : symbols.classes)
    write_class(w, cl);
  w.end_array().end_object().newline().begin_object();
  if (!failures.empty() && !failures[0].empty())
    w.value("symbols_error", failures[0]);
  for (std::size_t i = 0; i < agents.size() && i < records.size(); ++i) {
    if (!records[i] && i + 1 < failures.size() && !failures[i + 1].empty())
      w.value(agents[i]->descriptor().id + "_error", failures[i + 1]);
    if (records[i] && agents[i]->descriptor().id == "complexity") {
      // Each def's figure is in its `functions` entry: of the complexity
      // record only the module- and class-level blocks of mccabe remain.
      w.begin_array("complexity_blocks");
      for (const auto& b : complexity.blocks)
        w.begin_object()
          .value("key", b.mccabe_key)
          .value("line", b.line)
          .value("complexity", b.complexity)
          .end_object();
      w.end_array();
      continue;
    }
    if (records[i] && !agents[i]->write_json(*records[i], w)) {
      w.value(agents[i]->descriptor().id + "_error", "record does not decode");
      ok = false;
    }
  }
  w.end_object();
  w.flush();
  return ok;
}

std::string pack_report_entry(std::string_view text) {
  if (text.size() > LZ4_MAX_INPUT_SIZE)
    throw std::length_error("report entry of " + std::to_string(text.size())
                            + " bytes is too long to pack");
  auto size = static_cast<int>(text.size());
  // Compressed into a buffer of the worst case's size, kept per thread;
  // the value gets exactly the bytes used.
  thread_local std::string scratch;
  auto bound = static_cast<std::size_t>(LZ4_compressBound(size));
  if (scratch.size() < length_bytes + bound)
    scratch.resize(length_bytes + bound);
  auto length = static_cast<std::uint32_t>(size);
  for (std::size_t i = 0; i < length_bytes; ++i)
    scratch[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  int packed = LZ4_compress_default(text.data(), scratch.data() + length_bytes, size,
                                    static_cast<int>(bound));
  if (packed <= 0)
    throw std::runtime_error("report entry did not compress");
  return scratch.substr(0, length_bytes + static_cast<std::size_t>(packed));
}

bool unpack_report_entry(std::string_view packed, std::string& buffer,
                         std::string_view& symbols_part, std::string_view& records_part) {
  if (packed.size() < length_bytes)
    return false;
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < length_bytes; ++i)
    length |= static_cast<std::uint32_t>(static_cast<unsigned char>(packed[i])) << (8 * i);
  // LZ4 expands a block at most 255-fold: a longer stated length is damage
  // (and must not size the buffer).
  auto block = packed.size() - length_bytes;
  if (length > LZ4_MAX_INPUT_SIZE || block > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)
      || length > 255 * block + 16)
    return false;
  if (buffer.size() < length)
    buffer.resize(length);
  int n = LZ4_decompress_safe(packed.data() + length_bytes, buffer.data(),
                              static_cast<int>(block), static_cast<int>(length));
  if (n < 0 || static_cast<std::uint32_t>(n) != length)
    return false;
  return split_report_entry(std::string_view{buffer.data(), length}, symbols_part, records_part);
}


} // namespace troupe::detail
