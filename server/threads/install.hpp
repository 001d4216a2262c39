#pragma once
// Installs the threads slice: its verbs, routes, scans and hooks (see core/registry.hpp).

namespace mediation::app {
class registry;
class services;
}  // namespace mediation::app

namespace mediation::threads {

void install(app::registry& reg, app::services& svc);

}  // namespace mediation::threads
