#include "file/metric_codecs.hpp"

#include <algorithm>

#include <kj/debug.h>

#include "file/record_bytes.hpp"
#include "schema/metrics.capnp.h"

namespace troupe::actors::detail {

namespace {

unsigned list_size(std::size_t n) {
  return static_cast<unsigned>(n);
}

/// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code
/// points past U+10FFFF), as every text extracted from decoded source is.
bool is_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1; // continuation bytes
    if (c < 0xc2 || c > 0xf4 || i + n >= s.size())
      return false;
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    // The second byte's range depends on the lead (Unicode Table 3-7).
    unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    if (b1 < lo || b1 > hi)
      return false;
    for (std::size_t k = 2; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80)
        return false;
    i += n + 1;
  }
  return true;
}

/// A text of the record; a damaged record may carry any bytes, and
/// report.json must stay valid JSON, so non-UTF-8 text rejects the record.
std::string text(capnp::Text::Reader t) {
  std::string_view view{t.cStr(), t.size()};
  KJ_REQUIRE(is_utf8(view), "record text is not UTF-8");
  return std::string{view};
}

void set_entry(schema::DocstringEntry::Builder b, const docstring_entry& e) {
  b.setQualname(e.qualname);
  b.setLine(e.line);
  b.setPresent(e.present);
  b.setFirstLine(e.first_line);
  b.setLastLine(e.last_line);
}

docstring_entry get_entry(schema::DocstringEntry::Reader r) {
  docstring_entry e;
  e.qualname = text(r.getQualname());
  e.line = r.getLine();
  e.present = r.getPresent();
  e.first_line = r.getFirstLine();
  e.last_line = r.getLastLine();
  return e;
}

} // namespace

// -- size ---------------------------------------------------------------------

std::string encode_record(const size_metrics& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::SizeRecord>();
  root.setTotal(record.total);
  root.setCode(record.code);
  root.setComment(record.comment);
  root.setBlank(record.blank);
  root.setDocstring(record.docstring);
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, size_metrics& out) {
  return read_record<schema::SizeRecord>(bytes, [&](auto root) {
    out = size_metrics{root.getTotal(), root.getCode(), root.getComment(),
                       root.getBlank(), root.getDocstring()};
    // Every line has exactly one category (widened: no wrap-around).
    return std::uint64_t{out.code} + out.comment + out.blank + out.docstring == out.total;
  });
}

// -- complexity ---------------------------------------------------------------

std::string encode_record(const file_complexity& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::ComplexityRecord>();
  auto fns = root.initFunctions(list_size(record.functions.size()));
  for (unsigned i = 0; i < fns.size(); ++i) {
    const auto& f = record.functions[i];
    auto b = fns[i];
    b.setQualname(f.qualname);
    b.setLine(f.line);
    b.setColumn(f.column);
    b.setComplexity(f.complexity);
    b.setMccabeKey(f.mccabe_key);
  }
  auto blocks = root.initBlocks(list_size(record.blocks.size()));
  for (unsigned i = 0; i < blocks.size(); ++i) {
    const auto& k = record.blocks[i];
    auto b = blocks[i];
    b.setMccabeKey(k.mccabe_key);
    b.setLine(k.line);
    b.setColumn(k.column);
    b.setComplexity(k.complexity);
  }
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, file_complexity& out) {
  return read_record<schema::ComplexityRecord>(bytes, [&](auto root) {
    out = file_complexity{};
    auto functions = root.getFunctions();
    out.functions.reserve(functions.size());
    for (auto f : functions)
      out.functions.push_back({text(f.getQualname()), f.getLine(), f.getColumn(),
                               f.getComplexity(), text(f.getMccabeKey())});
    auto blocks = root.getBlocks();
    out.blocks.reserve(blocks.size());
    for (auto b : blocks)
      out.blocks.push_back(
        {text(b.getMccabeKey()), b.getLine(), b.getColumn(), b.getComplexity()});
    return true;
  });
}

// -- imports ------------------------------------------------------------------

std::string encode_record(const file_imports& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::ImportsRecord>();
  auto list = root.initImports(list_size(record.imports.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    const auto& r = record.imports[i];
    auto b = list[i];
    b.setModule(r.module);
    b.setAlias(r.alias);
    auto names = b.initNames(list_size(r.names.size()));
    for (unsigned j = 0; j < names.size(); ++j) {
      names[j].setName(r.names[j].name);
      names[j].setAlias(r.names[j].alias);
    }
    b.setLine(r.line);
    b.setLevel(r.level);
    b.setFromImport(r.from_import);
    b.setConditional(r.conditional);
    b.setInFunction(r.in_function);
    if (!r.noqa.empty())
      b.setNoqa(r.noqa);
  }
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, file_imports& out) {
  return read_record<schema::ImportsRecord>(bytes, [&](auto root) {
    out = file_imports{};
    auto imports = root.getImports();
    out.imports.reserve(imports.size());
    for (auto i : imports) {
      import_record r;
      r.module = text(i.getModule());
      r.alias = text(i.getAlias());
      auto names = i.getNames();
      r.names.reserve(names.size());
      for (auto n : names)
        r.names.push_back({text(n.getName()), text(n.getAlias())});
      r.line = i.getLine();
      r.level = i.getLevel();
      r.from_import = i.getFromImport();
      r.conditional = i.getConditional();
      r.in_function = i.getInFunction();
      r.noqa = text(i.getNoqa());
      out.imports.push_back(std::move(r));
    }
    return true;
  });
}

// -- docstrings ---------------------------------------------------------------

std::string encode_record(const file_docstrings& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::DocstringsRecord>();
  set_entry(root.initModule(), record.module);
  auto classes = root.initClasses(list_size(record.classes.size()));
  for (unsigned i = 0; i < classes.size(); ++i)
    set_entry(classes[i], record.classes[i]);
  auto functions = root.initFunctions(list_size(record.functions.size()));
  for (unsigned i = 0; i < functions.size(); ++i)
    set_entry(functions[i], record.functions[i]);
  root.setDocumented(record.documented);
  root.setTotal(record.total);
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, file_docstrings& out) {
  return read_record<schema::DocstringsRecord>(bytes, [&](auto root) {
    out = file_docstrings{};
    out.module = get_entry(root.getModule());
    auto classes = root.getClasses();
    out.classes.reserve(classes.size());
    for (auto c : classes)
      out.classes.push_back(get_entry(c));
    auto functions = root.getFunctions();
    out.functions.reserve(functions.size());
    for (auto f : functions)
      out.functions.push_back(get_entry(f));
    out.documented = root.getDocumented();
    out.total = root.getTotal();
    // coverage() divides by total, and documented counts within it.
    return out.total != 0 && out.documented <= out.total;
  });
}

// -- todos --------------------------------------------------------------------

std::string encode_record(const file_todos& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::TodosRecord>();
  auto list = root.initTodos(list_size(record.todos.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    list[i].setLine(record.todos[i].line);
    list[i].setTag(record.todos[i].tag);
    list[i].setText(record.todos[i].text);
  }
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, file_todos& out) {
  return read_record<schema::TodosRecord>(bytes, [&](auto root) {
    out = file_todos{};
    auto todos = root.getTodos();
    out.todos.reserve(todos.size());
    for (auto t : todos)
      out.todos.push_back({t.getLine(), text(t.getTag()), text(t.getText())});
    return true;
  });
}

// -- security and naming ------------------------------------------------------

namespace {

/// A rule id as the checkers write them: one uppercase letter, three digits.
bool rule_id(const std::string& rule) noexcept {
  return rule.size() == 4 && rule[0] >= 'A' && rule[0] <= 'Z'
         && std::all_of(rule.begin() + 1, rule.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool level(const std::string& s) noexcept {
  return s == "LOW" || s == "MEDIUM" || s == "HIGH";
}

} // namespace

std::string encode_record(const file_security& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::SecurityRecord>();
  auto list = root.initFindings(list_size(record.findings.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    const auto& f = record.findings[i];
    list[i].setRule(f.rule);
    list[i].setLine(f.line);
    list[i].setName(f.name);
    list[i].setSeverity(f.severity);
    list[i].setConfidence(f.confidence);
  }
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, file_security& out) {
  return read_record<schema::SecurityRecord>(bytes, [&](auto root) {
    out = file_security{};
    auto findings = root.getFindings();
    out.findings.reserve(findings.size());
    for (auto f : findings) {
      security_finding d{text(f.getRule()), f.getLine(), text(f.getName()),
                         text(f.getSeverity()), text(f.getConfidence())};
      if (!rule_id(d.rule) || d.line == 0 || !level(d.severity) || !level(d.confidence))
        return false;
      out.findings.push_back(std::move(d));
    }
    return true;
  });
}

std::string encode_record(const file_naming& record) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::NamingRecord>();
  auto list = root.initViolations(list_size(record.violations.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    const auto& v = record.violations[i];
    list[i].setRule(v.rule);
    list[i].setLine(v.line);
    list[i].setName(v.name);
  }
  return message_bytes(message);
}

bool decode_record(std::string_view bytes, file_naming& out) {
  return read_record<schema::NamingRecord>(bytes, [&](auto root) {
    out = file_naming{};
    auto violations = root.getViolations();
    out.violations.reserve(violations.size());
    for (auto v : violations) {
      naming_violation d{text(v.getRule()), v.getLine(), text(v.getName())};
      if (!rule_id(d.rule) || d.line == 0)
        return false;
      out.violations.push_back(std::move(d));
    }
    return true;
  });
}

} // namespace troupe::actors::detail
