#pragma once
// Installs the agreements slice: its verbs, routes, scans and hooks (see core/registry.hpp).

namespace mediation::app {
class registry;
class services;
}  // namespace mediation::app

namespace mediation::agreements {

void install(app::registry& reg, app::services& svc);

}  // namespace mediation::agreements
