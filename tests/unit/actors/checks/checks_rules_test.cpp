// The rule checkers on small sources: bandit's password pattern, name
// resolution through import aliases, pep8-naming's scopes and case rules on
// non-ASCII names, noqa/nosec, and damaged trees.
#include "checks_json.hpp"

#include "troupe/actors/source/python_parser.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <tuple>

using namespace troupe::actors;

namespace {

struct parsed {
  std::string text;
  syntax_tree tree;
};

parsed parse(std::string text) {
  parsed p{std::move(text), {}};
  python_parser parser;
  p.tree = parser.parse(p.text);
  return p;
}

std::multiset<std::tuple<std::string, unsigned, std::string>> security(const std::string& source) {
  auto p = parse(source);
  std::multiset<std::tuple<std::string, unsigned, std::string>> out;
  for (const auto& f : extract_security(p.tree, p.text).findings)
    out.emplace(f.rule, f.line, f.name);
  return out;
}

std::multiset<std::tuple<std::string, unsigned, std::string>> naming(const std::string& source) {
  auto p = parse(source);
  std::multiset<std::tuple<std::string, unsigned, std::string>> out;
  for (const auto& v : extract_naming(p.tree, p.text).violations)
    out.emplace(v.rule, v.line, v.name);
  return out;
}

using row = std::tuple<std::string, unsigned, std::string>;

} // namespace

TEST_CASE("bandit's password-like names", "[checks][security]") {
  // RE_CANDIDATES = (^W$|_W_|^W_|_W$), W = (pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)
  for (const char* yes : {"password", "PASSWORD", "Password", "passwd", "passwrd", "passsword",
                          "paswd", "pass", "passphrase", "pwd", "token", "secret", "secrete",
                          "db_password", "password_hash", "my_token_value", "_pwd",
                          "x_pass", "pass_", "a__secret__b"})
    CHECK(is_password_name(yes));
  for (const char* no : {"", "passw", "pas", "passwords", "mypassword", "password2",
                         "tokens", "secretary", "passwordx_", "word", "pa_ss", "p_wd",
                         "passphrases", "token-x"})
    CHECK_FALSE(is_password_name(no));
}

TEST_CASE("security: names resolve through aliases in visiting order", "[checks][security]") {
  CHECK(security("import pickle as p\np.loads(x)\n")
        == std::multiset<row>{{"B301", 2, "pickle.loads"}});
  CHECK(security("from os import system\nsystem(cmd)\n")
        == std::multiset<row>{{"B605", 2, "os.system"}});
  // A later import rebinds the alias for later calls only.
  CHECK(security("m.loads(x)\nimport marshal as m\nm.loads(x)\n")
        == std::multiset<row>{{"B302", 3, "marshal.loads"}});
  // bandit visits a def's body before its decorators.
  CHECK(security("@p.loads(x)\ndef f():\n    import pickle as p\n")
        == std::multiset<row>{{"B301", 1, "pickle.loads"}});
  // yaml.load needs `import yaml` first; `from yaml import load` is not it.
  CHECK(security("from yaml import load\nload(s)\n").empty());
  CHECK(security("import yaml\nfrom yaml import load\nload(s)\n")
        == std::multiset<row>{{"B506", 3, "yaml.load"}});
  // B602 is reported on the shell value's line.
  CHECK(security("import subprocess\nsubprocess.run(\n  c,\n  shell=(\n    True))\n")
        == std::multiset<row>{{"B602", 5, "subprocess.run"}});
}

TEST_CASE("security: severities follow bandit's", "[checks][security]") {
  auto p = parse("import os\nos.system('ls')\nos.system(c)\neval(x)\npassword = 'x'\n");
  auto found = extract_security(p.tree, p.text).findings;
  REQUIRE(found.size() == 4);
  CHECK((found[0].severity == "LOW" && found[0].confidence == "HIGH"));
  CHECK((found[1].severity == "HIGH" && found[1].confidence == "HIGH"));
  CHECK((found[2].rule == "B307" && found[2].severity == "MEDIUM"));
  CHECK((found[3].rule == "B105" && found[3].severity == "LOW"
         && found[3].confidence == "MEDIUM" && found[3].name == "password"));
}

TEST_CASE("naming: scopes, globals and non-ASCII case", "[checks][naming]") {
  CHECK(naming("def f():\n    X = 1\n    global X\n").empty());
  CHECK(naming("def f():\n    global X\n    def g():\n        X = 1\n")
        == std::multiset<row>{{"N806", 4, "X"}});
  CHECK(naming("class C:\n    aB = 1\n    def m(self):\n        aB = 1\n")
        == std::multiset<row>{{"N815", 2, "aB"}, {"N806", 4, "aB"}});
  // Python's str case rules beyond ASCII (C.UTF-8 tables).
  CHECK(naming("class \xc3\x89lan: pass\nclass \xc3\xa9lan: pass\n")
        == std::multiset<row>{{"N801", 2, "\xc3\xa9lan"}});
  CHECK(naming("def \xc3\x89t\xc3\xa9():\n    pass\n")
        == std::multiset<row>{{"N802", 1, "\xc3\x89t\xc3\xa9"}});
  // Letters without case (CJK) are neither upper nor lower.
  CHECK(naming("class \xe8\x9f\x92: pass\n") == std::multiset<row>{{"N801", 1, "\xe8\x9f\x92"}});
  CHECK(naming("\xe8\x9f\x92 = 1\n").empty());
}

TEST_CASE("naming: flake8's noqa", "[checks][naming]") {
  CHECK(naming("def mixedCase(): pass  # noqa\n").empty());
  CHECK(naming("def mixedCase(): pass  # noqa: N802\n").empty());
  CHECK(naming("def mixedCase(): pass  # noqa:N8\n").empty());
  CHECK(naming("def mixedCase(): pass  # noqa: E501\n")
        == std::multiset<row>{{"N802", 1, "mixedCase"}});
  CHECK(naming("def mixedCase(): pass  # noqa: no codes here\n").empty());
  CHECK(naming("# flake8: noqa\ndef mixedCase(): pass\n").empty());
  CHECK(naming("x = 1  # flake8: noqa\ndef mixedCase(): pass\n")
        == std::multiset<row>{{"N802", 2, "mixedCase"}});
}

TEST_CASE("checkers on damaged and empty trees", "[checks]") {
  syntax_tree none;
  CHECK(extract_security(none, "eval(x)\n").findings.empty());
  CHECK(extract_naming(none, "def mixedCase(): pass\n").violations.empty());
  // Error recovery leaves fields missing; nothing may crash.
  for (const char* broken : {"def (:\n", "class :\n  def\n", "import as x\n", "x = = 1\n",
                             "eval(\n", "from . import (\n", "with a as :\n  pass\n",
                             "except Exception as e:\n", "f(password=)\n",
                             "def f(password=, /):\n", "a = b = \n", "(x := )\n",
                             "for in y: pass\n", "[x for in y]\n", "global\n",
                             "try:\n  pass\nexcept* :\n  pass\n"}) {
    INFO(broken);
    auto p = parse(broken);
    (void)extract_security(p.tree, p.text);
    (void)extract_naming(p.tree, p.text);
  }
}
