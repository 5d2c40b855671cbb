// File: the version of troupe this library was built as.
#pragma once

namespace troupe {

/// The project version, e.g. "0.1.0" (CMake's PROJECT_VERSION).
const char* version() noexcept;

} // namespace troupe
