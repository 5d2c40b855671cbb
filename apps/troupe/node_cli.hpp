// File: the command line of `troupe node`, kept apart from main.cpp's other
// commands.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "troupe/commands/commands.hpp"
#include "troupe/config/profile_loader.hpp"
#include "troupe/nodes/internal/run_nodes.hpp"
#include "troupe/nodes/node_command.hpp"

namespace troupe::cli {

/// The arguments `troupe node` fills.
struct node_cli {
  nodes::node_command_options options;
  /// HOST:PORT of --health: print that node's health instead of serving.
  std::string health;
  CLI::App* command = nullptr;
};

/// Adds the `node` subcommand to `app`; `cli` must outlive the parse.
void add_node_command(CLI::App& app, node_cli& cli);

/// The options of `troupe run` that concern other nodes.
struct run_nodes_cli {
  nodes::detail::run_nodes_options options;
};

/// Adds `--join`, `--token`, `--cluster` and the TLS files to `troupe run`.
void add_run_node_options(CLI::App& run, run_command_options& run_opts, run_nodes_cli& cli);

/// Runs the parsed `troupe node` command; returns the exit code.
int run_node_command(const config::profile_loader& loader, const node_cli& cli);

} // namespace troupe::cli
