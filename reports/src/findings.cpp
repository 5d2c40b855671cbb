#include "troupe/reports/findings.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <ostream>
#include <tuple>

#include <nlohmann/json.hpp>

namespace troupe {

namespace {

/// bandit's test name and a one-line description per test id.
struct security_rule {
  std::string_view id;
  std::string_view text;
};

constexpr security_rule security_rules[] = {
  {"B102", "Use of exec detected."},
  {"B105", "Possible hardcoded password"},
  {"B106", "Possible hardcoded password"},
  {"B107", "Possible hardcoded password"},
  {"B301", "Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data"},
  {"B302", "Deserialization with the marshal module is possibly dangerous."},
  {"B303", "Use of insecure MD2, MD4, MD5, or SHA1 hash function."},
  {"B306", "Use of insecure and deprecated function (mktemp)."},
  {"B307", "Use of possibly insecure function - consider using safer ast.literal_eval."},
  {"B324", "Use of insecure MD4 or MD5 hash function."},
  {"B506", "Use of unsafe yaml load. Allows instantiation of arbitrary objects."},
  {"B602", "subprocess call with shell=True identified, security issue."},
  {"B605", "Starting a process with a shell, possible injection detected, security issue."},
};

std::string security_text(const std::string& rule, const std::string& name) {
  for (const auto& r : security_rules)
    if (r.id == rule)
      return std::string{r.text} + (name.empty() ? "" : " (" + name + ")");
  return name;
}

/// pep8-naming's message of a code, with the offending name.
std::string naming_text(const std::string& code, const std::string& name) {
  auto q = "'" + name + "'";
  if (code == "N801") return "class name " + q + " should use CapWords convention";
  if (code == "N802") return "function name " + q + " should be lowercase";
  if (code == "N803") return "argument name " + q + " should be lowercase";
  if (code == "N804") return "first argument of a classmethod should be named 'cls'";
  if (code == "N805") return "first argument of a method should be named 'self'";
  if (code == "N806") return "variable " + q + " in function should be lowercase";
  if (code == "N807") return "function name " + q + " should not start and end with '__'";
  if (code == "N811") return "constant " + q + " imported as non constant";
  if (code == "N812") return "lowercase " + q + " imported as non lowercase";
  if (code == "N813") return "camelcase " + q + " imported as lowercase";
  if (code == "N814") return "camelcase " + q + " imported as constant";
  if (code == "N815") return "variable " + q + " in class scope should not be mixedCase";
  if (code == "N816") return "variable " + q + " in global scope should not be mixedCase";
  if (code == "N817") return "camelcase " + q + " imported as acronym";
  return "naming: " + q;
}

/// flake8-fixme's codes.
const char* todo_code(const std::string& tag) {
  if (tag == "FIXME") return "T100";
  if (tag == "TODO") return "T101";
  if (tag == "XXX") return "T102";
  return "T103"; // HACK
}

severity security_level(const std::string& word) {
  return parse_severity(word).value_or(severity::low);
}

/// Escapes tabs, newlines and backslashes of one field.
void put_field(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

std::string take_field(std::string_view& line) {
  std::string out;
  std::size_t i = 0;
  for (; i < line.size() && line[i] != '\t'; ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      char n = line[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += line[i];
    }
  }
  line.remove_prefix(std::min(line.size(), i + 1));
  return out;
}

/// A path as a relative URI reference: every byte but unreserved ones and
/// '/' percent-encoded.
std::string uri_of(std::string_view path) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

const char* sarif_level(severity level) {
  switch (level) {
    case severity::high: return "error";
    case severity::medium:
    case severity::low: return "warning";
    case severity::info: break;
  }
  return "note";
}

} // namespace

const char* to_string(severity level) noexcept {
  switch (level) {
    case severity::info: return "info";
    case severity::low: return "low";
    case severity::medium: return "medium";
    case severity::high: return "high";
  }
  return "low";
}

std::optional<severity> parse_severity(std::string_view word) noexcept {
  std::string lower;
  for (char c : word)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto s : {severity::info, severity::low, severity::medium, severity::high})
    if (lower == to_string(s))
      return s;
  return std::nullopt;
}

std::vector<finding> collect_findings(const analysis_result& r) {
  std::vector<finding> out;
  const auto& files = r.corpus.files;
  for (const auto& f : files) {
    if (!f.parsed)
      continue;
    for (const auto& s : f.security.findings)
      out.push_back({f.path, s.line, 1, s.rule, security_level(s.severity),
                     security_text(s.rule, s.name)});
    for (const auto& n : f.naming.violations)
      out.push_back({f.path, n.line, 1, n.rule, severity::low, naming_text(n.rule, n.name)});
    for (const auto& t : f.todos.todos)
      out.push_back({f.path, t.line, 1, todo_code(t.tag), severity::info,
                     "fixme found (" + t.tag + "): " + t.text});
  }
  const auto& c = r.corpus_results;
  for (const auto& u : c.unused_imports.items)
    if (u.file < files.size())
      out.push_back({files[u.file].path, u.line, 1, "F401", severity::low,
                     "'" + u.name + "' imported but unused"});
  for (const auto& g : c.duplicates.groups) {
    if (g.functions.empty())
      continue;
    const auto& first = g.functions.front();
    const auto& ff = files[first.file];
    const auto& fn0 = ff.symbols->functions[first.function];
    for (std::size_t i = 1; i < g.functions.size(); ++i) {
      const auto& o = g.functions[i];
      const auto& fn = files[o.file].symbols->functions[o.function];
      out.push_back({files[o.file].path, fn.line, 1, "TR100", severity::low,
                     "function '" + std::string{fn.qualname} + "' duplicates the body of '"
                       + std::string{fn0.qualname} + "' (" + ff.path + ":"
                       + std::to_string(fn0.line) + ", " + std::to_string(g.lines) + " lines)"});
    }
  }
  for (const auto& cycle : c.import_cycles.cycles) {
    if (cycle.empty())
      continue;
    std::string members;
    for (std::size_t i = 0; i < cycle.size() && i < 8; ++i)
      members += (i ? ", " : "") + files[cycle[i]].module;
    if (cycle.size() > 8)
      members += ", ...";
    out.push_back({files[cycle.front()].path, 1, 1, "TR200", severity::medium,
                   "import cycle of " + std::to_string(cycle.size()) + " modules: " + members});
  }
  std::stable_sort(out.begin(), out.end(), [](const finding& a, const finding& b) {
    return std::make_tuple(static_cast<int>(b.level), std::cref(a.path), a.line,
                           std::cref(a.code))
           < std::make_tuple(static_cast<int>(a.level), std::cref(b.path), b.line,
                             std::cref(b.code));
  });
  return out;
}

std::string encode_findings(const std::vector<finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    put_field(out, f.path);
    out += '\t' + std::to_string(f.line) + '\t' + std::to_string(f.column) + '\t';
    put_field(out, f.code);
    out += '\t';
    out += to_string(f.level);
    out += '\t';
    put_field(out, f.message);
    out += '\n';
  }
  return out;
}

bool decode_findings(std::string_view text, std::vector<finding>& out) {
  out.clear();
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos)
      return false;
    auto line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    finding f;
    f.path = take_field(line);
    try {
      f.line = static_cast<std::uint32_t>(std::stoul(take_field(line)));
      f.column = static_cast<std::uint32_t>(std::stoul(take_field(line)));
    } catch (const std::exception&) {
      return false;
    }
    f.code = take_field(line);
    auto level = parse_severity(take_field(line));
    if (!level)
      return false;
    f.level = *level;
    f.message = take_field(line);
    out.push_back(std::move(f));
  }
  return true;
}

void write_findings_text(std::ostream& out, const std::vector<finding>& findings) {
  std::vector<const finding*> order;
  order.reserve(findings.size());
  for (const auto& f : findings)
    order.push_back(&f);
  std::stable_sort(order.begin(), order.end(), [](const finding* a, const finding* b) {
    return std::tie(a->path, a->line, a->column, a->code)
           < std::tie(b->path, b->line, b->column, b->code);
  });
  for (const auto* f : order)
    out << f->path << ':' << f->line << ':' << f->column << ": " << f->code << ' ' << f->message
        << '\n';
}

void write_findings_sarif(std::ostream& out, const std::vector<finding>& findings,
                          const std::string& root, const std::string& tool_version) {
  using json = nlohmann::json;
  std::map<std::string, std::size_t> rule_index;
  json rules = json::array();
  json results = json::array();
  for (const auto& f : findings) {
    auto [it, added] = rule_index.emplace(f.code, rule_index.size());
    if (added) {
      auto text = f.code.rfind("B", 0) == 0 ? security_text(f.code, {})
                  : f.code == "F401"          ? std::string{"module imported but unused"}
                  : f.code.rfind("N8", 0) == 0 ? std::string{"PEP 8 naming (pep8-naming)"}
                  : f.code.rfind("T10", 0) == 0 ? std::string{"FIXME, TODO, XXX or HACK comment"}
                  : f.code == "TR100"          ? std::string{"duplicated function body"}
                  : f.code == "TR200"          ? std::string{"import cycle"}
                                               : f.code;
      rules.push_back({{"id", f.code},
                       {"shortDescription", {{"text", text}}},
                       {"defaultConfiguration", {{"level", sarif_level(f.level)}}},
                       {"properties", {{"severity", to_string(f.level)}}}});
    }
    json region{{"startLine", std::max<std::uint32_t>(1, f.line)},
                {"startColumn", std::max<std::uint32_t>(1, f.column)}};
    results.push_back(
      {{"ruleId", f.code},
       {"ruleIndex", it->second},
       {"level", sarif_level(f.level)},
       {"message", {{"text", f.message}}},
       {"locations",
        json::array({{{"physicalLocation",
                       {{"artifactLocation", {{"uri", uri_of(f.path)}, {"uriBaseId", "SRCROOT"}}},
                        {"region", region}}}}})},
       {"properties", {{"severity", to_string(f.level)}}}});
  }
  auto root_uri = "file://" + uri_of(root) + (root.empty() || root.back() != '/' ? "/" : "");
  json log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
           {"version", "2.1.0"},
           {"runs",
            json::array({{{"tool",
                           {{"driver",
                             {{"name", "troupe"},
                              {"version", tool_version},
                              {"rules", rules}}}}},
                          {"originalUriBaseIds", {{"SRCROOT", {{"uri", root_uri}}}}},
                          {"columnKind", "unicodeCodePoints"},
                          {"results", results}}})}};
  out << log.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

finding_counts count_findings(const std::vector<finding>& findings) {
  finding_counts out;
  std::map<std::string, std::uint64_t> by_code;
  for (const auto& f : findings) {
    ++out.by_severity[static_cast<int>(f.level)];
    ++by_code[f.code];
  }
  out.by_code.assign(by_code.begin(), by_code.end());
  std::stable_sort(out.by_code.begin(), out.by_code.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

} // namespace troupe
