#include "internal/yaml_tree.hpp"

#include "internal/text_check.hpp"

#include <algorithm>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace troupe::config::internal {

namespace {

// Thrown from the event handler to stop yaml-cpp before it recurses deeper.
struct too_deep {
  YAML::Mark mark;
  std::string path;
};

// Length of the valid UTF-8 sequence at `i`, or 0 when none starts there.
std::size_t utf8_sequence(const std::string& s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto c = byte(i);
  if (c < 0x80)
    return 1;
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                  : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  auto c1 = byte(i + 1);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90)
      || (c == 0xF4 && c1 > 0x8F))
    return 0; // overlong, a surrogate, or above U+10FFFF
  return n;
}

// A scalar's value as UTF-8. The text was checked to be UTF-8 before
// yaml-cpp read it, but yaml-cpp decodes the escapes \N and \_ of a
// double-quoted scalar to the single bytes 0x85 and 0xA0 (their code
// points, not their UTF-8): each byte that starts no valid sequence is such
// a code point below U+0100 and is encoded again.
std::string utf8_scalar(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size();) {
    if (auto n = utf8_sequence(value, i)) {
      out.append(value, i, n);
      i += n;
      continue;
    }
    auto c = static_cast<unsigned char>(value[i++]);
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// Builds a yaml_node tree from events, rejecting what profiles must not use.
class tree_builder : public YAML::EventHandler {
public:
  tree_builder(const std::string& file, const reader_limits& limits,
               std::vector<config_error>& errors)
    : file_(file), limits_(limits), errors_(errors) {
  }

  std::optional<yaml_node> take_root() {
    return std::move(root_);
  }

  void OnDocumentStart(const YAML::Mark&) override {
  }

  void OnDocumentEnd() override {
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    add(make(yaml_node::kind::null, mark));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    std::string name = anchor > 0 && anchor <= anchor_names_.size()
                         ? anchor_names_[anchor - 1]
                         : std::string{};
    error(mark, "YAML aliases are not allowed (*" + name
                  + "); write the value out");
    add(make(yaml_node::kind::rejected, mark));
  }

  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    anchor_names_.push_back(name);
    error(mark, "YAML anchors are not allowed (&" + name
                  + "); use 'extends:' to share settings");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t, const std::string& value) override {
    auto node = make(yaml_node::kind::scalar, mark);
    node.text = utf8_scalar(value);
    node.quoted = tag == "!";
    if (!check_tag(mark, tag))
      node.type = yaml_node::kind::rejected;
    add(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag,
                       YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark, tag, yaml_node::kind::sequence);
  }

  void OnSequenceEnd() override {
    close();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag,
                  YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark, tag, yaml_node::kind::mapping);
  }

  void OnMapEnd() override {
    close();
  }

private:
  static yaml_node make(yaml_node::kind type, const YAML::Mark& mark) {
    yaml_node node;
    node.type = type;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    return node;
  }

  void error(const YAML::Mark& mark, std::string message) {
    errors_.push_back(config_error{file_, mark.line + 1, mark.column + 1,
                                   current_path(), message});
  }

  // The key path of the node about to be added, e.g. "cache.ttl".
  std::string current_path() const {
    std::string path;
    for (const auto& frame : stack_) {
      auto& items = frame.children;
      std::string part;
      if (frame.type == yaml_node::kind::sequence)
        part = "[" + std::to_string(items.size()) + "]";
      else if (items.size() % 2 == 1
               && items.back().type == yaml_node::kind::scalar)
        part = items.back().text;
      else
        break; // at a key, or under a key that is not a name
      path += path.empty() || part.front() == '[' ? part : "." + part;
    }
    return path;
  }

  bool check_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag == "?" || tag == "!" || tag.empty())
      return true;
    error(mark, "YAML tags are not allowed ('" + tag + "')");
    return false;
  }

  void open(const YAML::Mark& mark, const std::string& tag,
            yaml_node::kind type) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      throw too_deep{mark, current_path()};
    check_tag(mark, tag);
    stack_.push_back(make(type, mark));
  }

  void close() {
    auto node = std::move(stack_.back());
    stack_.pop_back();
    add(std::move(node));
  }

  void add(yaml_node node) {
    if (stack_.empty())
      root_ = std::move(node);
    else
      stack_.back().children.push_back(std::move(node));
  }

  const std::string& file_;
  const reader_limits& limits_;
  std::vector<config_error>& errors_;
  std::vector<yaml_node> stack_;
  std::optional<yaml_node> root_;
  std::vector<std::string> anchor_names_;
};

// A hint when the line of a syntax error is indented with a tab.
std::string tab_hint(std::string_view text, const YAML::Mark& mark) {
  if (mark.line < 0)
    return {};
  size_t start = 0;
  for (int line = 0; line < mark.line && start != std::string_view::npos;
       ++line) {
    start = text.find('\n', start);
    start = start == std::string_view::npos ? start : start + 1;
  }
  if (start == std::string_view::npos)
    return {};
  auto indent = text.substr(start, text.find_first_not_of(" \t", start) - start);
  if (indent.find('\t') == std::string_view::npos)
    return {};
  return " (line " + std::to_string(mark.line + 1)
         + " is indented with a tab; YAML allows only spaces)";
}

} // namespace

std::optional<yaml_node> read_yaml(std::string_view text,
                                   const std::string& file,
                                   const reader_limits& requested,
                                   std::vector<config_error>& errors) {
  // yaml-cpp gives up near 2000 levels; stay far below it.
  reader_limits limits = requested;
  limits.max_depth = std::clamp(requested.max_depth, 1, 256);
  if (text.empty()) {
    errors.push_back({file, 0, 0, {}, "empty profile (0 bytes)"});
    return std::nullopt;
  }
  if (text.size() > limits.max_bytes) {
    errors.push_back({file, 0, 0, {},
                      "profile is too large (" + std::to_string(text.size())
                        + " bytes, at most "
                        + std::to_string(limits.max_bytes) + ")"});
    return std::nullopt;
  }
  if (auto bad = check_text(text, file)) {
    errors.push_back(std::move(*bad));
    return std::nullopt;
  }
  std::istringstream in{std::string{text}};
  tree_builder builder{file, limits, errors};
  try {
    YAML::Parser parser{in};
    if (!parser.HandleNextDocument(builder)) {
      errors.push_back(
        {file, 0, 0, {}, "empty profile (no YAML document, only comments)"});
      return std::nullopt;
    }
    auto root = builder.take_root();
    tree_builder rest{file, limits, errors};
    if (parser.HandleNextDocument(rest)) {
      auto extra = rest.take_root();
      errors.push_back({file, extra ? extra->line : 0,
                        extra ? extra->column : 0, {},
                        "expected one YAML document, found a second one"});
    }
    return root;
  } catch (const too_deep& x) {
    errors.push_back({file, x.mark.line + 1, x.mark.column + 1, x.path,
                      "nesting is deeper than "
                        + std::to_string(limits.max_depth)
                        + " levels; profiles use two (section.key)"});
  } catch (const YAML::DeepRecursion& x) {
    // Unreachable with the clamped limit; yaml-cpp's own message says
    // "bad file", which would mislead.
    errors.push_back({file, x.mark.line + 1, x.mark.column + 1, {},
                      "nesting is too deep for the YAML parser"});
  } catch (const YAML::Exception& x) {
    errors.push_back({file, x.mark.line + 1, x.mark.column + 1, {},
                      "YAML syntax error: " + x.msg + tab_hint(text, x.mark)});
  }
  return std::nullopt;
}

std::string describe(const yaml_node& node) {
  switch (node.type) {
    case yaml_node::kind::null:
      return "no value";
    case yaml_node::kind::scalar: {
      // Long values are cut: an error quotes a value, not a file.
      constexpr std::size_t shown = 60;
      auto cut = shown;
      while (cut > 0 && cut < node.text.size()
             && (static_cast<unsigned char>(node.text[cut]) & 0xC0) == 0x80)
        --cut; // not inside a UTF-8 sequence
      auto text = node.text.size() <= shown ? node.text : node.text.substr(0, cut) + "...";
      return node.quoted ? "the string \"" + text + "\"" : "'" + text + "'";
    }
    case yaml_node::kind::sequence:
      return "a sequence";
    case yaml_node::kind::mapping:
      return "a mapping";
    case yaml_node::kind::rejected:
      break;
  }
  return "an invalid value";
}

} // namespace troupe::config::internal
