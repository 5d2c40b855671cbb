// File: the atoms and message shapes of the runtime's actors.
//
// supervisor -> worker : (run_atom, uint64 task, uint32 attempt)
// worker -> supervisor : reply (uint64 task, uint32 worker, error, double started_s, double finished_s)
// host -> supervisor   : (cancel_atom)
#pragma once

#include <caf/atom.hpp>

namespace troupe {

/// Asks a worker to run one attempt of a task.
using run_atom = caf::atom_constant<caf::atom("run")>;

/// Asks the supervisor to stop dispatching.
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;

/// Tells the supervisor to check its in-flight attempts' deadlines.
using watchdog_atom = caf::atom_constant<caf::atom("watchdog")>;

/// Tells the supervisor that a dispatch slot may be free.
using tick_atom = caf::atom_constant<caf::atom("tick")>;

} // namespace troupe
