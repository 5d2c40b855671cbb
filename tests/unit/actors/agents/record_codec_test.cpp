// The metric records in Cap'n Proto form: every field survives a round trip,
// and damaged bytes (empty, truncated, padded, mutated, misaligned, not
// UTF-8) make write_json return false or write valid JSON, never crash.
#include "agent_fixtures.hpp"

#include <catch2/catch.hpp>

#include <random>

#include "file/metric_codecs.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

using namespace troupe::actors;
using namespace troupe::actors::testing;

namespace {

file_complexity sample_complexity() {
  file_complexity c;
  c.functions = {{"C.m", 3, 4, 7, "C.m"}, {"f.<locals>.g", 9, 8, 2, ""}};
  c.blocks = {{"C.If 12", 12, 4, 3}};
  return c;
}

file_imports sample_imports() {
  file_imports i;
  import_record a;
  a.module = "os.path";
  a.alias = "osp";
  a.line = 2;
  import_record b;
  b.module = "pkg";
  b.names = {{"x", ""}, {"y", "z"}, {"\xc3\xa9t\xc3\xa9", ""}};
  b.line = 40000;
  b.level = 2;
  b.from_import = b.conditional = b.in_function = true;
  i.imports = {a, b};
  return i;
}

file_docstrings sample_docstrings() {
  file_docstrings d;
  d.module = {"", 0, true, 1, 3};
  d.classes = {{"A", 5, false, 0, 0}};
  d.functions = {{"A.f", 6, true, 7, 9}, {"g", 12, false, 0, 0}};
  d.documented = 2;
  d.total = 4;
  return d;
}

template <class Record>
Record round_trip(const Record& in) {
  auto bytes = detail::encode_record(in);
  Record out;
  REQUIRE(detail::decode_record(bytes, out));
  return out;
}

/// tests/fixtures/checks/`name`, decoded and parsed.
parsed_fixture parse_check_fixture(const std::string& name) {
  auto path = metrics_fixture_dir() + "/../../checks/" + name;
  auto source = decode_python_source(read_bytes(path), 1 << 20);
  REQUIRE(source.status == source_status::ok);
  parsed_fixture out;
  out.text = std::move(source.text);
  python_parser parser;
  out.tree = parser.parse(out.text);
  REQUIRE(out.tree);
  return out;
}

/// A valid record of each agent, from the richest fixtures.
std::vector<std::pair<std::shared_ptr<const file_agent>, std::string>> fixture_records() {
  auto complexity = parse_fixture("complexity_rules.py");
  auto imports = parse_fixture("imports_forms.py");
  auto docstrings = parse_fixture("docstrings_forms.py");
  auto todos = parse_fixture("todos_forms.py");
  auto security = parse_check_fixture("security_calls.py");
  auto naming = parse_check_fixture("naming_variables.py");
  std::vector<std::pair<std::shared_ptr<const file_agent>, std::string>> out;
  for (auto& agent : builtin_file_agents()) {
    const auto& id = agent->descriptor().id;
    const auto& f = id == "imports" ? imports
                    : id == "docstrings" ? docstrings
                    : id == "todos" ? todos
                    : id == "security" ? security
                    : id == "naming" ? naming : complexity;
    out.emplace_back(agent, agent->analyse(f.tree, f.text));
  }
  return out;
}

} // namespace

TEST_CASE("metric records survive a round trip field by field", "[agents][codec]") {
  auto s = round_trip(size_metrics{10, 4, 3, 2, 1});
  CHECK((s.total == 10 && s.code == 4 && s.comment == 3 && s.blank == 2 && s.docstring == 1));

  auto c = round_trip(sample_complexity());
  REQUIRE(c.functions.size() == 2);
  CHECK(c.functions[0].qualname == "C.m");
  CHECK((c.functions[0].line == 3 && c.functions[0].column == 4));
  CHECK(c.functions[0].complexity == 7);
  CHECK(c.functions[0].mccabe_key == "C.m");
  CHECK(c.functions[1].mccabe_key.empty());
  REQUIRE(c.blocks.size() == 1);
  CHECK((c.blocks[0].mccabe_key == "C.If 12" && c.blocks[0].line == 12
         && c.blocks[0].column == 4 && c.blocks[0].complexity == 3));

  auto i = round_trip(sample_imports());
  REQUIRE(i.imports.size() == 2);
  CHECK((i.imports[0].module == "os.path" && i.imports[0].alias == "osp"));
  CHECK((i.imports[0].names.empty() && !i.imports[0].from_import));
  CHECK((!i.imports[0].conditional && !i.imports[0].in_function));
  const auto& b = i.imports[1];
  REQUIRE(b.names.size() == 3);
  CHECK((b.names[1].name == "y" && b.names[1].alias == "z"));
  CHECK(b.names[2].name == "\xc3\xa9t\xc3\xa9");
  CHECK((b.line == 40000 && b.level == 2));
  CHECK((b.from_import && b.conditional && b.in_function));

  auto d = round_trip(sample_docstrings());
  CHECK((d.module.present && d.module.first_line == 1 && d.module.last_line == 3));
  REQUIRE((d.classes.size() == 1 && d.functions.size() == 2));
  CHECK((d.classes[0].qualname == "A" && !d.classes[0].present));
  CHECK((d.functions[0].qualname == "A.f" && d.functions[0].line == 6));
  CHECK((d.functions[0].first_line == 7 && d.functions[0].last_line == 9));
  CHECK((d.documented == 2 && d.total == 4));

  auto t = round_trip(file_todos{{{7, "XXX", "XXX with a \"quote\"\tand tab"}}});
  REQUIRE(t.todos.size() == 1);
  CHECK((t.todos[0].line == 7 && t.todos[0].tag == "XXX"));
  CHECK(t.todos[0].text == "XXX with a \"quote\"\tand tab");

  auto sec = round_trip(file_security{{{"B602", 12, "subprocess.run", "HIGH", "HIGH"},
                                       {"B105", 40000, "pass\xc3\xa9", "LOW", "MEDIUM"}}});
  REQUIRE(sec.findings.size() == 2);
  CHECK((sec.findings[0].rule == "B602" && sec.findings[0].line == 12));
  CHECK((sec.findings[0].name == "subprocess.run" && sec.findings[0].severity == "HIGH"));
  CHECK((sec.findings[1].name == "pass\xc3\xa9" && sec.findings[1].confidence == "MEDIUM"));

  auto n = round_trip(file_naming{{{"N806", 3, "Local"}, {"N805", 9, "this"}}});
  REQUIRE(n.violations.size() == 2);
  CHECK((n.violations[0].rule == "N806" && n.violations[0].line == 3
         && n.violations[0].name == "Local"));
  CHECK((n.violations[1].rule == "N805" && n.violations[1].name == "this"));
}

TEST_CASE("damaged records do not decode", "[agents][codec]") {
  for (const auto& [agent, record] : fixture_records()) {
    INFO(agent->descriptor().id);
    REQUIRE(record.size() >= 16);
    CHECK(members_of(*agent, "").is_null());
    for (std::size_t n = 1; n < 8; ++n)
      CHECK(members_of(*agent, record.substr(0, n)).is_null());
    for (std::size_t n = 8; n < record.size(); n += 8) // every whole-word prefix
      CHECK(members_of(*agent, record.substr(0, n)).is_null());
    CHECK(members_of(*agent, record + std::string(8, '\0')).is_null()); // padded
    CHECK(members_of(*agent, record + "x").is_null());
    CHECK(members_of(*agent, std::string(8, '\0')).is_null()); // no root
    CHECK(members_of(*agent, std::string(64, '\xff')).is_null());
    // Inside a larger blob, at an odd address, the record still reads.
    std::string blob = "!" + record;
    CHECK(members_of(*agent, std::string_view{blob}.substr(1))
          == members_of(*agent, record));
  }
}

TEST_CASE("records that break their invariants do not decode", "[agents][codec]") {
  auto size = builtin_agent("size");
  CHECK(members_of(*size, detail::encode_record(size_metrics{5, 1, 1, 1, 1})).is_null());
  auto docstrings = builtin_agent("docstrings");
  auto d = sample_docstrings();
  d.total = 0; // coverage would divide by zero
  CHECK(members_of(*docstrings, detail::encode_record(d)).is_null());
  d.total = 1; // fewer than documented
  CHECK(members_of(*docstrings, detail::encode_record(d)).is_null());
  auto todos = builtin_agent("todos");
  // Text that is not UTF-8 would make report.json invalid.
  for (const char* bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    INFO(bad);
    CHECK(members_of(*todos, detail::encode_record(file_todos{{{1, "TODO", bad}}})).is_null());
  }
  // Rule ids, lines and levels the checkers never write.
  auto security = builtin_agent("security");
  for (auto bad : {security_finding{"", 1, "eval", "LOW", "HIGH"},
                   security_finding{"B30", 1, "eval", "LOW", "HIGH"},
                   security_finding{"b307", 1, "eval", "LOW", "HIGH"},
                   security_finding{"B307", 0, "eval", "LOW", "HIGH"},
                   security_finding{"B307", 1, "eval", "low", "HIGH"},
                   security_finding{"B307", 1, "eval", "LOW", ""}}) {
    INFO(bad.rule << " " << bad.line << " " << bad.severity << " " << bad.confidence);
    CHECK(members_of(*security, detail::encode_record(file_security{{bad}})).is_null());
  }
  auto naming = builtin_agent("naming");
  CHECK(members_of(*naming, detail::encode_record(file_naming{{{"N8", 1, "x"}}})).is_null());
  CHECK(members_of(*naming, detail::encode_record(file_naming{{{"N802", 0, "x"}}})).is_null());
  CHECK(members_of(*naming, detail::encode_record(file_naming{{{"N802", 1, "\xff"}}})).is_null());
  auto ok = members_of(*todos, detail::encode_record(file_todos{{{1, "TODO", "\xf0\x9f\x98\x80 \x01"}}}));
  REQUIRE(ok.is_object());
  CHECK(ok["todos"][0]["text"] == "\xf0\x9f\x98\x80 \x01");
}

TEST_CASE("mutated records never crash and never write invalid JSON",
          "[agents][codec][fuzz]") {
  std::mt19937 rng{20261127};
  for (const auto& [agent, record] : fixture_records()) {
    INFO(agent->descriptor().id);
    std::uniform_int_distribution<std::size_t> at{0, record.size() - 1};
    std::size_t decoded = 0;
    for (int round = 0; round < 3000; ++round) {
      auto bytes = record;
      for (int k = 1 + round % 4; k > 0; --k)
        bytes[at(rng)] = static_cast<char>(rng());
      // members_of parses whatever write_json writes when it returns true.
      decoded += members_of(*agent, bytes).is_null() ? 0 : 1;
    }
    // Not every mutation is detectable (a changed line number is still a
    // record), but most that hit pointers or texts are.
    CHECK(decoded < 3000);
  }
}
