// The Python grammar's language table, copied with its external scanner's
// scan function wrapped (see watched_scanner.hpp). This file includes the
// grammar's own parser.h for the TSLanguage and TSLexer layouts of ABI 14,
// which libtree-sitter 0.20.7 shares field for field.
#include "source/watched_scanner.hpp"

#include <tree_sitter/parser.h>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace troupe::actors::detail {

namespace {

/// The grammar's own scan function.
bool (*grammar_scan)(void*, TSLexer*, const bool*) = nullptr;

/// The watch of this thread, and the lexer functions of the scan running.
thread_local scan_watch* active_watch = nullptr;
thread_local void (*lexer_advance)(TSLexer*, bool) = nullptr;
thread_local bool (*lexer_eof)(const TSLexer*) = nullptr;

/// Looks at the clock and the flags every this many characters scanned (a
/// stop the meter sets in between is seen within as many).
constexpr unsigned steps_per_check = 4096;

/// Characters left before the next check; 1 once the parse is stopped, so
/// that every later character is checked.
thread_local unsigned countdown = steps_per_check;

bool stopped() {
  return active_watch->stop->flag != 0;
}

/// The scanner's eof() once the watch stopped the parse: every later call
/// sees the end of the input.
bool watched_eof(const TSLexer*) {
  return true;
}

void check_watch(TSLexer* lexer) {
  auto& w = *active_watch;
  if (!stopped()) {
    if (w.cancelled != nullptr && w.cancelled->load(std::memory_order_relaxed))
      w.stop->stop(stop_reason::cancelled);
    else if (std::chrono::steady_clock::now() >= w.deadline)
      w.stop->stop(stop_reason::time);
  }
  if (stopped()) {
    // With eof() true from now on: the scanner's loops end.
    lexer->lookahead = 0;
    lexer->eof = watched_eof;
    countdown = 1;
  } else {
    countdown = steps_per_check;
  }
}

// Called for every character the scanner takes: only the count on the way.
void watched_advance(TSLexer* lexer, bool skip) {
  lexer_advance(lexer, skip);
  if (--countdown == 0)
    check_watch(lexer);
}

bool watched_scan(void* payload, TSLexer* lexer, const bool* valid_symbols) {
  if (active_watch == nullptr || active_watch->stop == nullptr)
    return grammar_scan(payload, lexer, valid_symbols);
  if (stopped())
    return false; // the parse ends at tree-sitter's next check
  // Only advance() is wrapped: it counts, and once the watch stops the
  // parse it swaps in watched_eof (one indirect call less per character).
  lexer_advance = lexer->advance;
  lexer_eof = lexer->eof;
  lexer->advance = watched_advance;
  bool found = grammar_scan(payload, lexer, valid_symbols);
  lexer->advance = lexer_advance;
  lexer->eof = lexer_eof;
  return found && !stopped();
}

} // namespace

const TSLanguage* watched_python_language() {
  static const TSLanguage language = [] {
    TSLanguage copy = *tree_sitter_python();
    grammar_scan = copy.external_scanner.scan;
    copy.external_scanner.scan = watched_scan;
    return copy;
  }();
  return &language;
}

scan_watch_scope::scan_watch_scope(scan_watch& watch) noexcept : previous_(active_watch) {
  active_watch = &watch;
}

scan_watch_scope::~scan_watch_scope() {
  active_watch = previous_;
}

} // namespace troupe::actors::detail
