// The client's shared state and the bus on which views announce changes. Events on `bus`:
//   user (user)                  signed in (again, after a reconnect)
//   cases                        the visible case list changed
//   case (kase)                  the open case's record changed (or null: no case open)
//   language                     the language was switched: everything drawn from data is drawn again
//   notice (notice)              a change in a case the user is not looking at
//   event (event)                a live event of a subscribed thread
//   route (route)                the address changed (router.js)
import { Emitter } from './emitter.js';
import { lang } from './i18n.js';

export const bus = new Emitter();

export const state = {
  token: null,
  user: null,
  conn: null,
  orgs: [],
  cases: [],
  nextCases: null,
  current: null,       // the open case
  connState: '',
};

// Roles that work cases (register, hand over, accept, schedule).
export const WORKER_ROLES = ['petition_officer', 'leader', 'mediator', 'committee_mediator', 'grid_worker'];

export function isWorker(user = state.user) { return !!user && WORKER_ROLES.includes(user.role); }

export function request(frame) { return state.conn.request(frame); }

// An organisation's name in the user's language (the directory has English names; a reference in a
// case carries only the Chinese one).
export function orgName(ref) {
  if (!ref) return '';
  if (lang !== 'en') return ref.name;
  const full = ref.name_en ? ref : state.orgs.find((o) => String(o.id) === String(ref.id));
  return (full && full.name_en) || ref.name;
}
