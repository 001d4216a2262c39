#pragma once
// Installs the identity slice: its verbs, routes, scans and hooks (see core/registry.hpp).

namespace mediation::app {
class registry;
class services;
}  // namespace mediation::app

namespace mediation::identity {

void install(app::registry& reg, app::services& svc);

}  // namespace mediation::identity
