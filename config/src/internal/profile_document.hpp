// File: checks one parsed profile against the schema and applies it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "internal/yaml_tree.hpp"
#include "troupe/config/config_error.hpp"
#include "troupe/config/settings.hpp"

namespace troupe::config::internal {

/// Where each key path was last set, for messages about two fields.
using origin_map = std::map<std::string, config_error>;

/// The `extends:` value of a mapping document, or nullptr when absent or
/// malformed (then an error is appended).
const yaml_node* find_extends(const yaml_node& root, const std::string& file,
                              std::vector<config_error>& errors);

/// Checks every key of `root` (a mapping) and applies the valid values on top
/// of `target`; appends one error per problem found.
void apply_document(const yaml_node& root, const std::string& file,
                    settings& target, origin_map& origins,
                    std::vector<config_error>& errors);

/// Checks rules that involve more than one field; positions come from
/// `origins` when the fields were set by a file.
void check_relations(const settings& value, const origin_map& origins,
                     std::vector<config_error>& errors);

} // namespace troupe::config::internal
