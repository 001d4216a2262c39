#pragma once
// Installs the cases slice: its verbs, routes, scans and hooks (see core/registry.hpp).

namespace mediation::app {
class registry;
class services;
}  // namespace mediation::app

namespace mediation::cases {

void install(app::registry& reg, app::services& svc);

}  // namespace mediation::cases
