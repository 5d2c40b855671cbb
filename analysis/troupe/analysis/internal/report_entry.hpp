// File: a file's entry in report.json, the part that depends on the file's
// content only: its functions (with their complexity) and classes, and the
// members every file agent writes from its record. Rendered once, on a
// worker, when the file's records are computed or first read; cached next
// to them (one more record of the file's bundle), so a later run splices
// the text of an unchanged file instead of decoding and re-rendering its
// records. The report writer adds what depends on the run around it: path,
// module, size, digest, state and the file's unused imports. Internal.
//
// Text: two JSON objects, `{"functions":[...],"classes":[...]}` and
// `{<agent members>}`, joined by one '\n' (a rendered value never holds a
// raw line break: the writer escapes them in strings).
//
// An entry is cached and held until the report in packed form: its text as
// one LZ4 block after the text's length (4 bytes, little-endian). For the
// default corpus that is 5.3 MB instead of 28.8 MB of text: less memory for
// the run to touch (first-touch page faults dominated a changed run on the
// virtual machines measured) and less to read from the disk tier.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "troupe/actors/file/complexity.hpp"
#include "troupe/actors/file/symbols_view.hpp"
#include "troupe/analysis/analysis.hpp"

namespace troupe::detail {

/// The cache key's agent id and version of report entries rendered for
/// `agents`: the entry format's version, the symbols agent's and every file
/// agent's id and version, so a changed agent or writer never serves a
/// stale entry.
constexpr std::string_view report_entry_id = "report_entry";
std::string report_entry_version(const file_agent_list& agents);

/// Renders the entry of a parsed file from its records (`records` in the
/// order of `agents`; null ones are left out). `failures` holds, per agent
/// (index 0: symbols, then `agents`), why it failed on the file, empty
/// where it did not: a failed agent's record is null and the entry says
/// `"<agent>_error": message` instead. Returns false, with the entry still
/// rendered, when some record did not decode: such an entry names the
/// damaged record and must not be cached.
bool render_report_entry(const actors::symbols_view& symbols,
                         const std::vector<std::shared_ptr<const std::string>>& records,
                         const file_agent_list& agents, std::string& out,
                         const std::vector<std::string>& failures = {});

/// The packed form of an entry's text.
std::string pack_report_entry(std::string_view text);

/// The two objects of a packed entry, decompressed into `buffer` (grown as
/// needed, never shrunk, so a reused buffer allocates only for a longer
/// entry): false, and both parts left as they were, when `packed` is not a
/// packed entry of that form.
bool unpack_report_entry(std::string_view packed, std::string& buffer,
                         std::string_view& symbols_part, std::string_view& records_part);

} // namespace troupe::detail
