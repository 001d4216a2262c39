#pragma once
// The release of this build (project(VERSION) in CMakeLists.txt; CHANGELOG.md says what each
// release changed and how to roll it back). The schema version a binary knows is
// store::known_schema_version().

namespace mediation {

// "0.2.0". Thread-safe (a constant).
const char* release() noexcept;

}  // namespace mediation
