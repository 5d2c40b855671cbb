#include "troupe/actors/file/symbols_codec.hpp"

#include <cstring>
#include <stdexcept>
#include <vector>

#include <capnp/message.h>

#include "file/record_bytes.hpp"
#include "schema/symbols.capnp.h"

namespace troupe::actors {

const symbols_ptr& no_symbols() {
  static const symbols_ptr empty = std::make_shared<const symbols_view>();
  return empty;
}

void symbols_view::overflow() {
  throw std::length_error("symbols_view: more texts than reserved");
}

std::size_t symbols_view::memory_bytes() const {
  return sizeof(*this) + chars_size_ + texts_size_ * sizeof(std::string_view)
         + functions.capacity() * sizeof(function_view) + classes.capacity() * sizeof(class_view);
}

void symbols_view::reserve_texts(std::size_t chars, std::size_t texts) {
  chars_.reset(chars ? new char[chars] : nullptr);
  texts_.reset(texts ? new std::string_view[texts] : nullptr);
  chars_size_ = chars;
  texts_size_ = texts;
  chars_used_ = texts_used_ = 0;
}

std::string_view symbols_view::keep(std::string_view text) {
  if (text.empty())
    return {};
  if (text.size() > chars_size_ - chars_used_)
    overflow();
  char* at = chars_.get() + chars_used_;
  std::memcpy(at, text.data(), text.size());
  chars_used_ += text.size();
  return {at, text.size()};
}

namespace {

template <class Builder>
void set_texts(Builder&& list, const std::vector<std::string>& xs) {
  for (unsigned i = 0; i < xs.size(); ++i)
    list.set(i, xs[i]);
}

std::string_view view(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

/// Characters and list entries of a record, for symbols_view::reserve_texts.
struct text_totals {
  std::size_t chars = 0;
  std::size_t texts = 0;

  void add(capnp::Text::Reader t) { chars += t.size(); }
  void add(capnp::List<capnp::Text>::Reader list) {
    texts += list.size();
    for (auto t : list)
      chars += t.size();
  }
};

text_list keep_list(symbols_view& out, capnp::List<capnp::Text>::Reader list) {
  return out.keep_list(list.size(), [&](std::size_t i) { return view(list[static_cast<unsigned>(i)]); });
}

} // namespace

std::string encode_symbols(const file_symbols& symbols) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::FileSymbols>();
  root.setParseErrors(symbols.parse_errors);
  auto fns = root.initFunctions(static_cast<unsigned>(symbols.functions.size()));
  for (unsigned i = 0; i < symbols.functions.size(); ++i) {
    const auto& f = symbols.functions[i];
    auto b = fns[i];
    b.setQualname(f.qualname);
    b.setName(f.name);
    b.setLine(f.line);
    b.setEndLine(f.end_line);
    b.setIsAsync(f.is_async);
    b.setIsMethod(f.is_method);
    set_texts(b.initParams(static_cast<unsigned>(f.params.size())), f.params);
    b.setAnnotatedParams(f.annotated_params);
    b.setReturnsAnnotated(f.returns_annotated);
    set_texts(b.initDecorators(static_cast<unsigned>(f.decorators.size())), f.decorators);
    b.setHasDocstring(f.has_docstring);
    b.setSignature(f.signature);
    set_texts(b.initCalls(static_cast<unsigned>(f.calls.size())), f.calls);
    b.setBodyHash(f.body_hash);
    b.setBodyTokens(f.body_tokens);
    b.setSummary(f.summary);
    b.setFirstParamAnnotated(f.first_param_annotated);
    set_texts(b.initLocalNames(static_cast<unsigned>(f.local_names.size())), f.local_names);
  }
  auto cls = root.initClasses(static_cast<unsigned>(symbols.classes.size()));
  for (unsigned i = 0; i < symbols.classes.size(); ++i) {
    const auto& c = symbols.classes[i];
    auto b = cls[i];
    b.setQualname(c.qualname);
    b.setName(c.name);
    b.setLine(c.line);
    b.setEndLine(c.end_line);
    set_texts(b.initBases(static_cast<unsigned>(c.bases.size())), c.bases);
    set_texts(b.initDecorators(static_cast<unsigned>(c.decorators.size())), c.decorators);
    b.setHasDocstring(c.has_docstring);
    b.setSummary(c.summary);
  }
  set_texts(root.initNames(static_cast<unsigned>(symbols.names.size())), symbols.names);
  set_texts(root.initAttributes(static_cast<unsigned>(symbols.attributes.size())), symbols.attributes);
  set_texts(root.initExports(static_cast<unsigned>(symbols.exports.size())), symbols.exports);
  root.setHasAll(symbols.has_all);
  root.setModuleSummary(symbols.module_summary);
  set_texts(root.initModuleCalls(static_cast<unsigned>(symbols.module_calls.size())),
        symbols.module_calls);
  return detail::message_bytes(message);
}

bool decode_symbols(std::string_view bytes, symbols_view& out) {
  return detail::read_record<schema::FileSymbols>(bytes, [&](schema::FileSymbols::Reader root) {
    // Two passes: the totals size the view's buffers, then the texts fill them.
    text_totals totals;
    for (auto f : root.getFunctions()) {
      totals.add(f.getQualname());
      totals.add(f.getName());
      totals.add(f.getParams());
      totals.add(f.getDecorators());
      totals.add(f.getSignature());
      totals.add(f.getCalls());
      totals.add(f.getSummary());
      totals.add(f.getLocalNames());
    }
    for (auto c : root.getClasses()) {
      totals.add(c.getQualname());
      totals.add(c.getName());
      totals.add(c.getBases());
      totals.add(c.getDecorators());
      totals.add(c.getSummary());
    }
    totals.add(root.getNames());
    totals.add(root.getAttributes());
    totals.add(root.getExports());
    totals.add(root.getModuleCalls());
    totals.add(root.getModuleSummary());

    out = symbols_view{};
    out.reserve_texts(totals.chars, totals.texts);
    out.parse_errors = root.getParseErrors();
    out.functions.reserve(root.getFunctions().size());
    out.classes.reserve(root.getClasses().size());
    for (auto f : root.getFunctions()) {
      auto& r = out.functions.emplace_back();
      r.qualname = out.keep(view(f.getQualname()));
      r.name = out.keep(view(f.getName()));
      r.line = f.getLine();
      r.end_line = f.getEndLine();
      r.is_async = f.getIsAsync();
      r.is_method = f.getIsMethod();
      r.params = keep_list(out, f.getParams());
      r.annotated_params = f.getAnnotatedParams();
      r.returns_annotated = f.getReturnsAnnotated();
      r.decorators = keep_list(out, f.getDecorators());
      r.has_docstring = f.getHasDocstring();
      r.signature = out.keep(view(f.getSignature()));
      r.calls = keep_list(out, f.getCalls());
      r.body_hash = f.getBodyHash();
      r.body_tokens = f.getBodyTokens();
      r.summary = out.keep(view(f.getSummary()));
      r.first_param_annotated = f.getFirstParamAnnotated();
      r.local_names = keep_list(out, f.getLocalNames());
    }
    for (auto c : root.getClasses()) {
      auto& r = out.classes.emplace_back();
      r.qualname = out.keep(view(c.getQualname()));
      r.name = out.keep(view(c.getName()));
      r.line = c.getLine();
      r.end_line = c.getEndLine();
      r.bases = keep_list(out, c.getBases());
      r.decorators = keep_list(out, c.getDecorators());
      r.has_docstring = c.getHasDocstring();
      r.summary = out.keep(view(c.getSummary()));
    }
    out.names = keep_list(out, root.getNames());
    out.attributes = keep_list(out, root.getAttributes());
    out.exports = keep_list(out, root.getExports());
    out.has_all = root.getHasAll();
    out.module_calls = keep_list(out, root.getModuleCalls());
    out.module_summary = out.keep(view(root.getModuleSummary()));
    return true;
  });
}

symbols_view view_symbols(const file_symbols& symbols, std::string& record) {
  record = encode_symbols(symbols);
  symbols_view out;
  if (!decode_symbols(record, out))
    throw std::logic_error("symbols record does not decode right after encoding");
  return out;
}

} // namespace troupe::actors
