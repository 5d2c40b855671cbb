// The built-in file agents on tests/fixtures/python/metrics: what write_json
// adds to report.json must be the extract_* result, and must agree with what
// Python's tools reported in expected_metrics.json.
#include "agent_fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include <map>
#include <set>
#include <utility>

#include "troupe/actors/agent_descriptor.hpp"
#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/docstrings.hpp"
#include "troupe/actors/file/imports.hpp"
#include "troupe/actors/file/naming.hpp"
#include "troupe/actors/file/security.hpp"
#include "troupe/actors/file/size_metrics.hpp"
#include "troupe/actors/file/todos.hpp"
#include "troupe/actors/source/python_parser.hpp"
#include "troupe/actors/source/python_source.hpp"

using namespace troupe::actors;
using namespace troupe::actors::testing;
using nlohmann::json;

namespace {

/// The members each agent should write, built from the extractor directly.
json expected_members(const std::string& id, const parsed_fixture& f) {
  if (id == "size") {
    auto s = extract_size_metrics(f.tree, f.text);
    return {{"size", {{"total", s.total}, {"code", s.code}, {"comment", s.comment},
                      {"blank", s.blank}, {"docstring", s.docstring}}}};
  }
  if (id == "complexity") {
    auto c = extract_complexity(f.tree, f.text);
    json functions = json::array(), blocks = json::array();
    for (const auto& fn : c.functions)
      functions.push_back({{"qualname", fn.qualname}, {"line", fn.line},
                           {"complexity", fn.complexity}, {"mccabe_key", fn.mccabe_key}});
    for (const auto& b : c.blocks)
      blocks.push_back({{"key", b.mccabe_key}, {"line", b.line}, {"complexity", b.complexity}});
    return {{"complexity", functions}, {"complexity_blocks", blocks}};
  }
  if (id == "imports") {
    json imports = json::array();
    for (const auto& r : extract_imports(f.tree, f.text).imports) {
      json names = json::array(), aliases = json::array();
      for (const auto& n : r.names) {
        names.push_back(n.name);
        aliases.push_back(n.alias);
      }
      imports.push_back({{"module", r.module}, {"names", names}, {"aliases", aliases},
                         {"alias", r.alias}, {"line", r.line}, {"level", r.level},
                         {"from_import", r.from_import}, {"conditional", r.conditional},
                         {"in_function", r.in_function}});
    }
    return {{"imports", imports}};
  }
  if (id == "docstrings") {
    auto d = extract_docstrings(f.tree, f.text);
    return {{"docstrings", {{"module", d.module.present}, {"documented", d.documented},
                            {"total", d.total}, {"coverage", d.coverage()}}}};
  }
  if (id == "security") {
    json security = json::array();
    for (const auto& s : extract_security(f.tree, f.text).findings)
      security.push_back({{"rule", s.rule}, {"line", s.line}, {"name", s.name},
                          {"severity", s.severity}, {"confidence", s.confidence}});
    return {{"security", security}};
  }
  if (id == "naming") {
    json naming = json::array();
    for (const auto& n : extract_naming(f.tree, f.text).violations)
      naming.push_back({{"rule", n.rule}, {"line", n.line}, {"name", n.name}});
    return {{"naming", naming}};
  }
  json todos = json::array();
  for (const auto& t : extract_todos(f.tree, f.text).todos)
    todos.push_back({{"line", t.line}, {"tag", t.tag}, {"text", t.text}});
  return {{"todos", todos}};
}

/// mccabe's graphs as {key: [line, complexity]} (a later graph under the same
/// key replaces an earlier one, as in mccabe's dict).
std::map<std::string, std::pair<int, int>> mccabe_graphs(const json& members) {
  std::vector<std::pair<int, std::pair<std::string, int>>> graphs; // by line
  for (const auto& f : members["complexity"])
    if (!f["mccabe_key"].get<std::string>().empty())
      graphs.push_back({f["line"], {f["mccabe_key"], f["complexity"]}});
  for (const auto& b : members["complexity_blocks"])
    graphs.push_back({b["line"], {b["key"], b["complexity"]}});
  std::stable_sort(graphs.begin(), graphs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::map<std::string, std::pair<int, int>> out;
  for (const auto& [line, g] : graphs)
    out[g.first] = {line, g.second};
  return out;
}

/// The members expected_metrics.json (ast_metrics.py's form) implies.
void check_against_python(const std::string& id, const json& got, const json& want) {
  if (id == "size") {
    CHECK(got["size"] == want);
  } else if (id == "complexity") {
    std::map<std::string, std::pair<int, int>> python;
    for (const auto& g : want)
      python[g["key"]] = {g["line"], g["complexity"]};
    CHECK(mccabe_graphs(got) == python);
  } else if (id == "imports") {
    json imports = json::array();
    for (const auto& r : want) {
      json names = json::array(), aliases = json::array();
      for (const auto& n : r["names"]) {
        names.push_back(n[0]);
        aliases.push_back(n[1]);
      }
      imports.push_back({{"module", r["module"]}, {"names", names}, {"aliases", aliases},
                         {"alias", r["alias"]}, {"line", r["line"]}, {"level", r["level"]},
                         {"from_import", r["from_import"]}, {"conditional", r["conditional"]},
                         {"in_function", r["in_function"]}});
    }
    CHECK(got["imports"] == imports);
  } else if (id == "docstrings") {
    unsigned documented = want["module"].get<bool>() ? 1 : 0, total = 1;
    for (const auto* kind : {"classes", "functions"})
      for (const auto& e : want[kind]) {
        ++total;
        documented += e[2].get<bool>() ? 1 : 0;
      }
    CHECK(got["docstrings"]["module"] == want["module"]);
    CHECK(got["docstrings"]["documented"] == documented);
    CHECK(got["docstrings"]["total"] == total);
    CHECK(got["docstrings"]["coverage"].get<double>()
          == static_cast<double>(documented) / total);
  } else {
    CHECK(got["todos"] == want);
  }
}

// builtin_file_agents() in order; the first five are checked against
// expected_metrics.json, the rule checkers against tests/fixtures/checks.
const char* const agent_ids[] = {"size", "complexity", "imports", "docstrings", "todos",
                                 "security", "naming"};
const char* const metric_ids[] = {"size", "complexity", "imports", "docstrings", "todos"};

} // namespace

TEST_CASE("built-in file agents: ids, versions and edges", "[agents]") {
  auto agents = builtin_file_agents();
  REQUIRE(agents.size() == 7);
  auto builtin = builtin_descriptors();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const auto& d = agents[i]->descriptor();
    INFO(d.id);
    CHECK(d.id == agent_ids[i]);
    // imports 2: the statement's noqa; security 2: nosec with test ids.
    CHECK(d.version == (d.id == "imports" || d.id == "security" ? 2u : 1u));
    CHECK(d.scope == agent_scope::per_item);
    CHECK(d.depends_on.empty());
    CHECK_FALSE(d.summary.empty());
    CHECK(ids.insert(d.id).second);
    // The same agent as in the DAG table of builtin_descriptors().
    auto table = std::find_if(builtin.begin(), builtin.end(),
                              [&](const agent_descriptor& b) { return b.id == d.id; });
    REQUIRE(table != builtin.end());
    CHECK(table->version == d.version);
    CHECK(table->scope == d.scope);
    CHECK(table->depends_on == d.depends_on);
  }
}

TEST_CASE("file agents on the metric fixtures", "[agents][fixtures]") {
  auto expected = json::parse(read_bytes(metrics_fixture_dir() + "/expected_metrics.json"));
  REQUIRE(expected["files"].size() >= 6);
  for (const auto& [name, want] : expected["files"].items()) {
    auto fixture = parse_fixture(name);
    for (const auto* id : metric_ids) {
      INFO(name << ": " << id);
      auto agent = builtin_agent(id);
      auto record = agent->analyse(fixture.tree, fixture.text);
      CHECK(agent->analyse(fixture.tree, fixture.text) == record); // deterministic
      auto got = members_of(*agent, record);
      REQUIRE(got.is_object());
      CHECK(got == expected_members(id, fixture));
      REQUIRE(want.contains(id));
      check_against_python(id, got, want[id]);
    }
  }
}

TEST_CASE("rule-checking agents on the check fixtures", "[agents][fixtures]") {
  // Agreement with bandit and flake8 is troupe_checks_test's; here the
  // report.json members must carry the extractors' records.
  auto dir = metrics_fixture_dir() + "/../../checks/";
  for (const auto* name : {"security_calls.py", "security_passwords.py", "naming_definitions.py",
                           "naming_variables.py", "noqa_markers.py", "file_noqa.py"}) {
    auto source = decode_python_source(read_bytes(dir + name), 1 << 20);
    REQUIRE(source.status == source_status::ok);
    parsed_fixture fixture;
    fixture.text = std::move(source.text);
    python_parser parser;
    fixture.tree = parser.parse(fixture.text);
    for (const auto* id : {"security", "naming"}) {
      INFO(name << ": " << id);
      auto agent = builtin_agent(id);
      auto record = agent->analyse(fixture.tree, fixture.text);
      CHECK(agent->analyse(fixture.tree, fixture.text) == record); // deterministic
      auto got = members_of(*agent, record);
      REQUIRE(got.is_object());
      CHECK(got == expected_members(id, fixture));
      if (std::string{name}.rfind(id, 0) == 0) // security_*.py, naming_*.py
        CHECK_FALSE(got[id].empty());
    }
  }
}

TEST_CASE("file agents on an empty file and an empty tree", "[agents]") {
  syntax_tree none; // what parse returns when tree-sitter gives up
  for (const auto* id : agent_ids) {
    INFO(id);
    auto agent = builtin_agent(id);
    auto empty = members_of(*agent, agent->analyse(none, ""));
    REQUIRE(empty.is_object());
    if (std::string{id} == "size")
      CHECK(empty["size"] == json{{"total", 0}, {"code", 0}, {"comment", 0},
                                  {"blank", 0}, {"docstring", 0}});
    else if (std::string{id} == "docstrings")
      CHECK(empty["docstrings"]
            == json{{"module", false}, {"documented", 0}, {"total", 1}, {"coverage", 0.0}});
    else
      for (const auto& [member, value] : empty.items())
        CHECK(value == json::array());
    auto unparsed = members_of(*agent, agent->analyse(none, "x = 1\n\n"));
    REQUIRE(unparsed.is_object());
    if (std::string{id} == "size") {
      CHECK(unparsed["size"]["total"] == 2);
      CHECK(unparsed["size"]["code"] == 1);
    }
  }
}
