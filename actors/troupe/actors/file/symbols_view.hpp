// File: the functions and classes of one Python file in the compact,
// read-only form a run holds them in (decoded from the `symbols` record).
//
// Every text is a view into one character buffer of the symbols_view and
// every list of texts a run of views in one array of it: four allocations
// per file instead of one per text and list. For the default corpus (56,000
// functions, ~600,000 texts) that is about half the memory of the
// extraction's form (symbol_records.hpp), and a changed run on the virtual
// machines measured pays mostly for memory it touches first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace troupe::actors {

/// A list of texts of a symbols_view: its views, in order.
class text_list {
public:
  using value_type = std::string_view;
  using const_iterator = const std::string_view*;
  using iterator = const_iterator;

  text_list() = default;
  text_list(const std::string_view* first, std::uint32_t count) : first_{first}, count_{count} {}

  const_iterator begin() const { return first_; }
  const_iterator end() const { return first_ + count_; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const std::string_view& operator[](std::size_t i) const { return first_[i]; }
  const std::string_view& front() const { return first_[0]; }
  const std::string_view& back() const { return first_[count_ - 1]; }

private:
  const std::string_view* first_ = nullptr;
  std::uint32_t count_ = 0;
};

/// One `def` (fields as in function_record, symbol_records.hpp).
struct function_view {
  std::string_view qualname;
  std::string_view name;
  std::uint32_t line = 0;
  std::uint32_t end_line = 0;
  bool is_async = false;
  bool is_method = false;
  bool first_param_annotated = false;
  bool returns_annotated = false;
  bool has_docstring = false;
  std::uint32_t annotated_params = 0;
  std::uint32_t body_tokens = 0;
  std::uint64_t body_hash = 0;
  text_list params;
  text_list decorators;
  std::string_view signature;
  text_list calls;
  std::string_view summary;
  text_list local_names;
};

/// One `class` (fields as in class_record, symbol_records.hpp).
struct class_view {
  std::string_view qualname;
  std::string_view name;
  std::uint32_t line = 0;
  std::uint32_t end_line = 0;
  bool has_docstring = false;
  text_list bases;
  text_list decorators;
  std::string_view summary;
};

/// A file's symbols (fields as in file_symbols, symbol_records.hpp). Not
/// copyable: its views point into its own buffers (a move keeps them).
class symbols_view {
public:
  std::uint32_t parse_errors = 0;
  std::vector<function_view> functions;
  std::vector<class_view> classes;
  text_list names;
  text_list attributes;
  text_list exports;
  bool has_all = false;
  text_list module_calls;
  std::string_view module_summary;

  symbols_view() = default;
  symbols_view(symbols_view&&) = default;
  symbols_view& operator=(symbols_view&&) = default;
  symbols_view(const symbols_view&) = delete;
  symbols_view& operator=(const symbols_view&) = delete;

  /// Bytes this object holds (for the memory tier's bound).
  std::size_t memory_bytes() const;

  /// Filling (the decoder's side): room for `chars` characters and `texts`
  /// list entries, allocated once; keep() and keep_list() then copy into it
  /// and must not ask for more than was reserved.
  void reserve_texts(std::size_t chars, std::size_t texts);
  std::string_view keep(std::string_view text);
  /// A list of `count` texts: `text(i)` gives the i-th.
  template <class Text>
  text_list keep_list(std::size_t count, Text&& text) {
    if (count > texts_size_ - texts_used_)
      overflow();
    auto* first = texts_.get() + texts_used_;
    texts_used_ += count;
    for (std::size_t i = 0; i < count; ++i)
      first[i] = keep(text(i));
    return {first, static_cast<std::uint32_t>(count)};
  }

private:
  [[noreturn]] static void overflow();

  std::unique_ptr<char[]> chars_;
  std::unique_ptr<std::string_view[]> texts_;
  std::size_t chars_size_ = 0;
  std::size_t chars_used_ = 0;
  std::size_t texts_size_ = 0;
  std::size_t texts_used_ = 0;
};

/// A decoded symbols record is shared, never copied: by the run's file
/// results, the corpus and the memory cache tier (which keeps it next to
/// the record's bytes, so a hit in the same process decodes nothing).
using symbols_ptr = std::shared_ptr<const symbols_view>;

/// One shared empty record, for files without symbols (never null).
const symbols_ptr& no_symbols();

} // namespace troupe::actors
