// Checks of Chinese identifiers, the same as the server's (protocol/identifiers.cpp): resident ID
// numbers (GB 11643, with its check digit), mainland mobile and landline numbers, and unified social
// credit codes (GB 32100, with its check character). Pure: no DOM, no network; unit-tested under Node
// (tests/e2e/logic.test.mjs).

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

// Whether `text` is a valid 18-character resident ID number: 17 digits, a check digit (0-9 or X),
// a real birth date not in the future.
export function validResidentId(text, today = new Date()) {
  const s = String(text).trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== s[17]) return false;
  const y = Number(s.slice(6, 10)), m = Number(s.slice(10, 12)), d = Number(s.slice(12, 14));
  const born = new Date(Date.UTC(y, m - 1, d));
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return false;
  return y >= 1900 && born.getTime() <= today.getTime();
}

// A mainland mobile number (11 digits from 13x to 19x), optionally after +86 or 86, spaces and
// hyphens allowed between groups.
export function validMobile(text) {
  return /^(\+?86)?1[3-9]\d{9}$/.test(String(text).replace(/[\s-]/g, ''));
}

// A mainland landline: an area code of 3 or 4 digits starting with 0, then 7 or 8 digits, and an
// optional extension ("010-12345678", "0755 8765 4321-123").
export function validLandline(text) {
  return /^0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?$/.test(String(text).replace(/\s/g, ''));
}

// A mobile or a landline number.
export function validPhone(text) {
  return validMobile(text) || validLandline(text);
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// Whether `text` is a unified social credit code: 18 characters of the GB 32100 alphabet (no I, O,
// S, V, Z), a registering-authority code, an administrative division of six digits, and the check
// character.
export function validCreditCode(text) {
  const s = String(text).trim().toUpperCase();
  if (!/^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]) * USCC_WEIGHTS[i];
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === s[17];
}

// The check digit a 17-digit resident ID prefix needs (for test data and the demo seed).
export function residentIdCheck(prefix17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(prefix17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}
