// File: risky calls and hard-coded passwords in one Python file, as bandit
// 1.6.2 reports them (the record of the `security` agent).
//
// Rules, named by bandit's test ids (bandit's own definitions, read from its
// source; a call's name is resolved through the file's import aliases the
// way bandit does, in bandit's visiting order):
//   B102 exec(...)                      B301 pickle/cPickle/dill load(s), Unpickler
//   B302 marshal.load(s)                B303 hashlib.md5/sha1, Crypto(dome) MD2/MD4/
//                                            MD5/SHA new, cryptography MD5/SHA1
//   B306 tempfile.mktemp                B307 eval(...)
//   B324 hashlib.new('md4'|'md5', ...)  B506 yaml.load without Loader=SafeLoader/
//                                            CSafeLoader (only after `import yaml`)
//   B602 subprocess Popen/call/check_call/check_output/run with a true shell=
//        and a positional argument; the line is the shell value's
//   B605 os.system, os.popen*, popen2.*, commands.getoutput/getstatusoutput with
//        a positional argument
//   B105 a str literal assigned to, or compared with, a password-like name
//   B106 a str literal passed as a password-like keyword argument
//   B107 a str default of a password-like parameter of a (non-async) def
// A password-like name matches bandit's
// `(^W$|_W_|^W_|_W$)`, W = `(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)`,
// ignoring case. Lines carrying `# nosec` are skipped as bandit skips them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/source/syntax_tree.hpp"

namespace troupe::actors {

/// One issue bandit would report.
struct security_finding {
  /// bandit's test id: `B307`.
  std::string rule;
  /// bandit's line_number, 1-based.
  std::uint32_t line = 0;
  /// The call's resolved name (`pickle.loads`) or the password-like name.
  std::string name;
  /// bandit's issue_severity and issue_confidence: LOW, MEDIUM or HIGH.
  std::string severity;
  std::string confidence;
};

/// The issues of one file.
struct file_security {
  /// Ordered by line, then in bandit's visiting order.
  std::vector<security_finding> findings;
};

/// Whether `name` matches bandit's password-like name pattern.
[[nodiscard]] bool is_password_name(std::string_view name) noexcept;

/// Checks every call, def, assignment and comparison of `tree` (parsed from
/// `utf8`). One walk of the tree computes this and extract_naming's record
/// (the second call on the same thread and file reuses it); it enters only
/// statements and the expressions holding a name some rule can match.
[[nodiscard]] file_security extract_security(const syntax_tree& tree, std::string_view utf8);

} // namespace troupe::actors
