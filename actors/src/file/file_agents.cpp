// The built-in metric agents (size, complexity, imports, docstrings, todos)
// and rule checkers (security, naming): each is the same adapter around an
// extract_* function, the record's codec (metric_codecs.cpp) and its
// report.json members (metric_json.cpp).
#include "troupe/actors/file/file_agent.hpp"

#include <utility>

#include "file/metric_codecs.hpp"
#include "file/metric_json.hpp"

namespace troupe::actors {

namespace {

/// A file agent whose record is `Record`, computed by `extract`.
template <class Record>
class metric_agent final : public file_agent {
public:
  using extract_fn = Record (*)(const syntax_tree&, std::string_view);

  metric_agent(agent_descriptor descriptor, extract_fn extract)
    : descriptor_(std::move(descriptor)), extract_(extract) {
  }

  const agent_descriptor& descriptor() const noexcept override {
    return descriptor_;
  }

  std::string analyse(const syntax_tree& tree, std::string_view utf8) const override {
    return detail::encode_record(extract_(tree, utf8));
  }

  bool write_json(std::string_view record, json_writer& out) const override {
    // Decode in full before writing anything, so a damaged record leaves no
    // half-written members behind.
    Record decoded;
    if (!detail::decode_record(record, decoded))
      return false;
    detail::write_members(decoded, out);
    return true;
  }

private:
  agent_descriptor descriptor_;
  extract_fn extract_;
};

template <class Record>
std::shared_ptr<const file_agent>
make_agent(const char* id, std::uint32_t version, const char* summary,
           typename metric_agent<Record>::extract_fn extract) {
  // Bump a version whenever the extractor or the record schema changes what
  // the agent outputs for the same file: it is part of every cache key (and
  // actors::builtin_descriptors() says the same).
  agent_descriptor descriptor{id, version, agent_scope::per_item, {}, summary};
  return std::make_shared<const metric_agent<Record>>(std::move(descriptor), extract);
}

} // namespace

std::vector<std::shared_ptr<const file_agent>> builtin_file_agents() {
  // Summaries as in DESIGN.md, "The 23 agents".
  return {
    make_agent<size_metrics>("size", 1, "lines: total, code, comment, blank, docstring",
                             &extract_size_metrics),
    make_agent<file_complexity>("complexity", 1,
                                "McCabe complexity per function, as the PyCQA mccabe "
                                "checker (flake8's) defines it",
                                &extract_complexity),
    make_agent<file_imports>("imports", 2,
                             "imports: module, names, aliases, line, relative level, "
                             "conditional or not",
                             &extract_imports),
    make_agent<file_docstrings>("docstrings", 1,
                                "docstring present for module/classes/functions; coverage",
                                &extract_docstrings),
    make_agent<file_todos>("todos", 1, "TODO/FIXME/XXX/HACK comments with line and text",
                           &extract_todos),
    make_agent<file_security>("security", 2,
                              "risky calls: eval, exec, pickle/marshal loads, yaml.load "
                              "without a safe loader, subprocess with shell=True, "
                              "os.system/popen, tempfile.mktemp, md5/sha1, hard-coded "
                              "secrets (bandit's rules of the same names)",
                              &extract_security),
    make_agent<file_naming>("naming", 1,
                            "PEP 8 naming violations (classes, functions, arguments, "
                            "constants), as pep8-naming reports them",
                            &extract_naming),
  };
}

} // namespace troupe::actors
