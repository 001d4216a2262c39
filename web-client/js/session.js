// Where a session is kept. A staff session is kept per browser (every tab) until its token expires,
// and ended in every tab by a logout in any; a guest's link session stays in its own tab. Drafts
// (which may hold a party's ID or phone number) end with the session.

export function storedToken() {
  const guest = sessionStorage.getItem('token');
  if (guest) return guest;
  try {
    const s = JSON.parse(localStorage.getItem('session') || 'null');
    if (s && s.token && (!s.expires_at || Date.parse(s.expires_at) > Date.now())) return s.token;
  } catch { /* a damaged entry is no session */ }
  localStorage.removeItem('session');
  return null;
}

export function keepStaffSession(token, expiresAt) {
  localStorage.setItem('session', JSON.stringify({ token, expires_at: expiresAt }));
}

export function keepGuestSession(token) { sessionStorage.setItem('token', token); }

export function isGuestSession() { return !!sessionStorage.getItem('token'); }

export function forgetDrafts() {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('draft:')) sessionStorage.removeItem(key);
}

export function forgetSession() {
  sessionStorage.removeItem('token');
  localStorage.removeItem('session');
  forgetDrafts();
}
