#include "internal/profile_document.hpp"

#include <algorithm>
#include <cctype>

#include "internal/schema.hpp"
#include "internal/suggest.hpp"
#include "troupe/config/units.hpp"

namespace troupe::config::internal {

namespace {

using kind = yaml_node::kind;

// Collects errors that all point into one file.
class reporter {
public:
  reporter(const std::string& file, std::vector<config_error>& errors)
    : file_(file), errors_(errors) {
  }

  void at(const yaml_node& node, std::string path, std::string message) {
    errors_.push_back(
      {file_, node.line, node.column, std::move(path), std::move(message)});
  }

  const std::string& file() const {
    return file_;
  }

private:
  const std::string& file_;
  std::vector<config_error>& errors_;
};

// Calls `fn(key, value)` for each entry of a mapping, reporting keys that are
// not names and keys defined twice.
template <class F>
void for_each_entry(const yaml_node& map, const std::string& prefix,
                    reporter& report, F fn) {
  std::vector<const yaml_node*> seen;
  for (size_t i = 0; i + 1 < map.children.size(); i += 2) {
    const auto& key = map.children[i];
    const auto& value = map.children[i + 1];
    if (key.type == kind::rejected)
      continue;
    if (key.type != kind::scalar) {
      report.at(key, prefix, "expected a key name, got " + describe(key));
      continue;
    }
    auto path = prefix.empty() ? key.text : prefix + "." + key.text;
    auto twin = std::find_if(seen.begin(), seen.end(), [&](auto* other) {
      return other->text == key.text;
    });
    if (twin != seen.end()) {
      report.at(key, path,
                "duplicate key '" + key.text + "' (first defined at line "
                  + std::to_string((*twin)->line) + ")");
      continue;
    }
    seen.push_back(&key);
    fn(key, value, path);
  }
}

// The section that declares `key`, if any other than `section`.
std::string_view home_of(std::string_view key, std::string_view section) {
  for (const auto& f : schema())
    if (f.key == key && f.section != section)
      return f.section;
  return {};
}

bool is_plain_scalar(const yaml_node& node) {
  return node.type == kind::scalar && !node.quoted;
}

// Converts a scalar to the field's carrier value, or returns an error text.
parsed<std::uint64_t> convert(const field& f, const yaml_node& value) {
  const auto& text = value.text;
  switch (f.kind) {
    case value_kind::size:
      return parse_size(text);
    case value_kind::duration: {
      auto result = parse_duration(text);
      if (!result.value)
        return {std::nullopt, result.error};
      return {static_cast<std::uint64_t>(result.value->count()), {}};
    }
    case value_kind::flag:
      if (is_plain_scalar(value) && (text == "true" || text == "false"))
        return {text == "true" ? 1u : 0u, {}};
      break;
    case value_kind::count: {
      if (!is_plain_scalar(value) || text.empty()
          || !std::all_of(text.begin(), text.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c));
             }))
        break;
      auto bytes = parse_size(text); // a bare integer, overflow-checked
      if (!bytes.value)
        return {std::nullopt, "value '" + text + "' is too large"};
      return bytes;
    }
    case value_kind::choice: {
      auto words = choice_words(f);
      for (size_t i = 0; i < words.size(); ++i)
        if (words[i] == text)
          return {i, {}};
      auto hint = closest(text, words);
      auto message = "expected " + expectation(f) + ", got " + describe(value);
      if (!hint.empty())
        message += "; did you mean '" + std::string{hint} + "'?";
      return {std::nullopt, message};
    }
  }
  return {std::nullopt,
          "expected " + expectation(f) + ", got " + describe(value)};
}

void apply_field(const field& f, const yaml_node& key, const yaml_node& value,
                 const std::string& path, settings& target,
                 origin_map& origins, reporter& report) {
  if (value.type == kind::rejected)
    return;
  if (value.type != kind::scalar) {
    // A missing value has no useful position of its own: point at the key.
    const auto& where = value.type == kind::null ? key : value;
    report.at(where, path,
              "expected " + expectation(f) + ", got " + describe(value));
    return;
  }
  auto result = convert(f, value);
  if (!result.value) {
    report.at(value, path, result.error);
    return;
  }
  if (*result.value < f.min || *result.value > f.max) {
    report.at(value, path,
              "out of range: " + value.text + " is not " + range_text(f));
    return;
  }
  f.set(target, *result.value);
  origins[path] = {report.file(), value.line, value.column, path, {}};
}

void apply_list(const list_field& f, const yaml_node& key, const yaml_node& value,
                const std::string& path, settings& target, origin_map& origins,
                reporter& report) {
  if (value.type == kind::rejected)
    return;
  auto words = f.choices.empty() ? std::vector<std::string_view>{}
                                 : choice_words(field{f.section, f.key, value_kind::choice, 0, 0,
                                                      f.choices, nullptr, nullptr});
  auto expected = std::string{"a list of "}
                  + (f.choices.empty() ? "strings" : "words from " + std::string{f.choices});
  if (value.type != kind::sequence) {
    const auto& where = value.type == kind::null ? key : value;
    report.at(where, path, "expected " + expected + ", got " + describe(value));
    return;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < value.children.size(); ++i) {
    const auto& item = value.children[i];
    auto item_path = path + "[" + std::to_string(i) + "]";
    if (item.type == kind::rejected) {
      ok = false;
      continue;
    }
    if (item.type != kind::scalar || item.text.empty()) {
      report.at(item, item_path, "expected " + expected + ", got " + describe(item));
      ok = false;
      continue;
    }
    if (!words.empty() && std::find(words.begin(), words.end(), item.text) == words.end()) {
      auto message = "unknown word '" + item.text + "': expected one of "
                     + std::string{f.choices};
      if (auto hint = closest(item.text, words); !hint.empty())
        message += "; did you mean '" + std::string{hint} + "'?";
      report.at(item, item_path, message);
      ok = false;
      continue;
    }
    items.push_back(item.text);
  }
  if (!ok)
    return;
  f.set(target, std::move(items));
  origins[path] = {report.file(), value.line, value.column, path, {}};
}

void apply_section(std::string_view section, const yaml_node& key,
                   const yaml_node& value, const std::string& path,
                   settings& target, origin_map& origins, reporter& report) {
  if (value.type == kind::rejected)
    return;
  if (value.type != kind::mapping) {
    const auto& where = value.type == kind::null ? key : value;
    report.at(where, path,
              "expected a mapping of " + std::string{section}
                + " settings, got " + describe(value));
    return;
  }
  for_each_entry(value, path, report,
                 [&](const yaml_node& k, const yaml_node& v,
                     const std::string& p) {
                   if (auto* f = find_field(section, k.text)) {
                     apply_field(*f, k, v, p, target, origins, report);
                     return;
                   }
                   if (auto* f = find_list_field(section, k.text)) {
                     apply_list(*f, k, v, p, target, origins, report);
                     return;
                   }
                   auto message = "unknown key '" + k.text + "'; ";
                   if (auto home = home_of(k.text, section); !home.empty())
                     message += "it belongs in section '"
                                + std::string{home} + "'";
                   else
                     message += suggestion(k.text, keys_of(section));
                   report.at(k, p, message);
                 });
}

} // namespace

const yaml_node* find_extends(const yaml_node& root, const std::string& file,
                              std::vector<config_error>& errors) {
  for (size_t i = 0; i + 1 < root.children.size(); i += 2) {
    const auto& key = root.children[i];
    const auto& value = root.children[i + 1];
    if (key.type != kind::scalar || key.text != "extends")
      continue;
    if (value.type == kind::rejected)
      return nullptr;
    if (value.type != kind::scalar || value.text.empty()) {
      const auto& where = value.type == kind::null ? key : value;
      errors.push_back({file, where.line, where.column, "extends",
                        "expected a profile name or a relative path, got "
                          + describe(value)});
      return nullptr;
    }
    return &value; // a duplicate 'extends' is reported by apply_document
  }
  return nullptr;
}

void apply_document(const yaml_node& root, const std::string& file,
                    settings& target, origin_map& origins,
                    std::vector<config_error>& errors) {
  reporter report{file, errors};
  for_each_entry(root, "", report,
                 [&](const yaml_node& key, const yaml_node& value,
                     const std::string& path) {
                   const auto& name = key.text;
                   if (name == "extends")
                     return; // resolved by the loader before applying
                   if (name == "description") {
                     if (value.type == kind::scalar)
                       target.description = value.text;
                     else if (value.type != kind::rejected)
                       report.at(value.type == kind::null ? key : value,
                                 path,
                                 "expected a string, got " + describe(value));
                     return;
                   }
                   auto& names = sections();
                   if (std::find(names.begin(), names.end(), name)
                       != names.end()) {
                     apply_section(name, key, value, path, target, origins,
                                   report);
                     return;
                   }
                   auto message = "unknown key '" + name + "'; ";
                   if (auto home = home_of(name, ""); !home.empty())
                     message += "it belongs in section '" + std::string{home}
                                + "' (" + std::string{home} + "." + name + ")";
                   else
                     message += suggestion(name, top_level_keys());
                   report.at(key, path, message);
                 });
}

void check_relations(const settings& value, const origin_map& origins,
                     std::vector<config_error>& errors) {
  auto limit = value.parallel.memory_limit;
  if (limit != 0 && value.cache.l1_size > limit) {
    auto i = origins.find("cache.l1_size");
    if (i == origins.end())
      i = origins.find("parallel.memory_limit");
    config_error error;
    if (i != origins.end())
      error = i->second;
    error.key_path = "cache.l1_size";
    error.message = "cache.l1_size (" + render_size(value.cache.l1_size)
                    + ") must not exceed parallel.memory_limit ("
                    + render_size(limit) + ")";
    errors.push_back(std::move(error));
  }
  const auto& n = value.nodes;
  if (n.connection_timeout < 4 * n.heartbeat_interval) {
    auto i = origins.find("nodes.connection_timeout");
    if (i == origins.end())
      i = origins.find("nodes.heartbeat_interval");
    config_error error;
    if (i != origins.end())
      error = i->second;
    error.key_path = "nodes.connection_timeout";
    error.message = "nodes.connection_timeout (" + std::to_string(n.connection_timeout.count())
                    + "ms) must be at least four nodes.heartbeat_interval ("
                    + std::to_string(n.heartbeat_interval.count())
                    + "ms): one late heartbeat is no loss";
    errors.push_back(std::move(error));
  }
  if (value.agents.file_timeout >= value.agents.task_timeout) {
    // A file's parse must end before its task would be failed for time.
    auto i = origins.find("agents.file_timeout");
    bool defaulted = i == origins.end();
    if (defaulted)
      i = origins.find("agents.task_timeout");
    config_error error;
    if (i != origins.end())
      error = i->second;
    error.key_path = "agents.file_timeout";
    error.message = "agents.file_timeout (" + render_duration(value.agents.file_timeout)
                    + (defaulted ? ", the default" : "")
                    + ") must be less than agents.task_timeout ("
                    + render_duration(value.agents.task_timeout) + ")"
                    + (defaulted ? ": set agents.file_timeout lower" : "");
    errors.push_back(std::move(error));
  }
}

} // namespace troupe::config::internal
