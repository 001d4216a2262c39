// Every view has an address (logic.js parseRoute): Back, Forward, reload and a new tab work. The
// bus announces each change of address as `route`.
import { bus } from './store.js';
import { parseRoute, routeAddress } from './logic.js';

export function currentRoute() { return parseRoute(location.hash); }

// Goes to `route`, as a new entry in the history (or in place of the current one).
export function navigate(route, { replace = false } = {}) {
  const address = routeAddress(route);
  if (location.hash !== address) {
    if (replace) history.replaceState(null, '', address);
    else history.pushState(null, '', address);
  }
  bus.emit('route', currentRoute());
}

export function installRouter() {
  window.addEventListener('popstate', () => bus.emit('route', currentRoute()));
  // A link (<a href="#/...">) changes the hash without popstate in some browsers: both are heard.
  window.addEventListener('hashchange', () => bus.emit('route', currentRoute()));
}
