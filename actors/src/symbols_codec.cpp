#include "troupe/actors/symbols_codec.hpp"

#include <vector>

#include <capnp/message.h>

#include "file_agents/record_bytes.hpp"
#include "schema/symbols.capnp.h"

namespace troupe::actors {

const symbols_ptr& no_symbols() {
  static const symbols_ptr empty = std::make_shared<const file_symbols>();
  return empty;
}

namespace {

template <class Builder>
void set_texts(Builder&& list, const std::vector<std::string>& xs) {
  for (unsigned i = 0; i < xs.size(); ++i)
    list.set(i, xs[i]);
}

template <class Reader>
std::vector<std::string> get_texts(Reader list) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (auto t : list)
    out.emplace_back(t.cStr(), t.size());
  return out;
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

bool decode_symbols(std::string_view bytes, file_symbols& out) {
  return detail::read_record<schema::FileSymbols>(bytes, [&](schema::FileSymbols::Reader root) {
    out = file_symbols{};
    out.parse_errors = root.getParseErrors();
    out.functions.reserve(root.getFunctions().size());
    out.classes.reserve(root.getClasses().size());
    for (auto f : root.getFunctions()) {
      function_record r;
      r.qualname = f.getQualname();
      r.name = f.getName();
      r.line = f.getLine();
      r.end_line = f.getEndLine();
      r.is_async = f.getIsAsync();
      r.is_method = f.getIsMethod();
      r.params = get_texts(f.getParams());
      r.annotated_params = f.getAnnotatedParams();
      r.returns_annotated = f.getReturnsAnnotated();
      r.decorators = get_texts(f.getDecorators());
      r.has_docstring = f.getHasDocstring();
      r.signature = f.getSignature();
      r.calls = get_texts(f.getCalls());
      r.body_hash = f.getBodyHash();
      r.body_tokens = f.getBodyTokens();
      r.summary = f.getSummary();
      r.first_param_annotated = f.getFirstParamAnnotated();
      r.local_names = get_texts(f.getLocalNames());
      out.functions.push_back(std::move(r));
    }
    for (auto c : root.getClasses()) {
      class_record r;
      r.qualname = c.getQualname();
      r.name = c.getName();
      r.line = c.getLine();
      r.end_line = c.getEndLine();
      r.bases = get_texts(c.getBases());
      r.decorators = get_texts(c.getDecorators());
      r.has_docstring = c.getHasDocstring();
      r.summary = c.getSummary();
      out.classes.push_back(std::move(r));
    }
    out.names = get_texts(root.getNames());
    out.attributes = get_texts(root.getAttributes());
    out.exports = get_texts(root.getExports());
    out.has_all = root.getHasAll();
    out.module_calls = get_texts(root.getModuleCalls());
    out.module_summary = root.getModuleSummary();
    return true;
  });
}

} // namespace troupe::actors
