// The live room of a joint session (#/meetings/45): a camera and microphone preview before joining,
// named video tiles, mute and camera buttons, who is present and on which side, the caucus switch
// (the mediator's to change, everyone's to see), room chat, and audio/video over WebRTC with
// signaling through the server.
import { state, bus, request } from '../store.js';
import { t, lang, errText } from '../i18n.js';
import { hears, offersTo } from '../logic.js';
import { $, el, showDialog } from '../ui.js';
import { ROOM_OPENS_MS, waitText } from './calendar.js';
import { navigate } from '../router.js';

const mt = { meeting: null, joined: [], side: 'neutral', mode: 'joint', peers: new Map(), stream: null, ice: [],
  mediator: false, inRoom: false, leaving: null };

function roomError(e) { $('room-error').textContent = e ? errText(e) : ''; }

// Opens the room's dialog for a meeting: first the preview, then the room.
// Every opening has a number, moved on by each later opening and by leaving: an opening whose answer
// comes back after the room was closed (or opened again) does nothing, so a closed room never reopens.
let opening = 0;

export async function showMeeting(id) {
  const mine = ++opening;
  const r = await request({ type: 'meeting.get', meeting: id });
  if (mine !== opening) return;
  const m = r.meeting;
  // Only the meeting's participants enter its room: nobody else's camera is turned on for nothing.
  if (!m.participants.some((p) => p.user === state.user.id) && m.organiser.id !== state.user.id)
    throw Object.assign(new Error(t('not_a_participant')), {});
  if (m.status !== 'scheduled') throw Object.assign(new Error(t('cancelled_mt')), {});
  if (mt.meeting && mt.meeting.id !== m.id) await leave();
  mt.meeting = m;
  $('room-title-live').textContent = m.title;
  $('room-when').textContent = `${m.local_start.slice(0, 16).replace('T', ' ')}–${m.local_end.slice(11, 16)}`;
  $('room-chat').replaceChildren();
  $('remote-videos').replaceChildren();
  roomError(null);
  $('dlg-room').dataset.stage = 'preview';
  renderControls();
  showDialog($('dlg-room'));
  await startPreview();
  tickEnter();
}

// Each request for the camera has a number; stopMedia() moves it on, so that a camera granted after the
// room was left (the browser's permission prompt answered late) is turned off at once, never shown.
let mediaRequest = 0;

async function startPreview() {
  if (mt.stream) return;
  const mine = ++mediaRequest;
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (e) {
    void e;  // no camera or refused: the room still works for chat and listening
  }
  if (mine !== mediaRequest || !$('dlg-room').open) {
    if (stream) stream.getTracks().forEach((tr) => tr.stop());
    return;
  }
  mt.stream = stream;
  $('local-video').srcObject = stream;
  $('preview-state').textContent = t(stream ? 'preview_ok' : 'preview_none');
  renderControls();
}

function stopMedia() {
  mediaRequest += 1;
  if (mt.stream) mt.stream.getTracks().forEach((tr) => tr.stop());
  mt.stream = null;
  $('local-video').srcObject = null;
}

// The enter button waits for the room to open (30 minutes before the start).
function tickEnter() {
  const b = $('room-enter');
  if (!mt.meeting || mt.inRoom) return;
  const wait = Date.parse(mt.meeting.start) - ROOM_OPENS_MS - Date.now();
  b.disabled = wait > 0;
  b.textContent = wait > 0 ? t('join_in', { left: waitText(wait) }) : t('join');
  if (wait > 0) setTimeout(tickEnter, 1000);
}

async function enter() {
  roomError(null);
  try {
    const r = await request({ type: 'meeting.join', meeting: mt.meeting.id });
    mt.side = r.side;
    mt.mode = r.mode;
    mt.ice = r.ice_servers;
    mt.inRoom = true;
    mt.mediator = ['mediator', 'committee_mediator', 'petition_officer', 'leader'].includes(state.user.role) && r.side === 'neutral';
    $('dlg-room').dataset.stage = 'room';
    renderRoom();
    $('room-say').focus();
    // Presence may have arrived before the answer: call whoever is already there.
    await connectPeers();
  } catch (e) {
    roomError(e);
  }
}

async function leave() {
  opening += 1;
  if (!mt.meeting) return;
  const id = mt.meeting.id;
  const wasIn = mt.inRoom;
  for (const peer of [...mt.peers.keys()]) hangup(peer);
  stopMedia();
  mt.meeting = null;
  mt.inRoom = false;
  mt.joined = [];
  if (wasIn) await request({ type: 'meeting.leave', meeting: id }).catch(() => {});
}

function renderControls() {
  const audio = mt.stream && mt.stream.getAudioTracks()[0];
  const video = mt.stream && mt.stream.getVideoTracks()[0];
  const mic = $('room-mic'), cam = $('room-cam');
  mic.disabled = !audio;
  cam.disabled = !video;
  mic.setAttribute('aria-pressed', String(!!audio && !audio.enabled));
  cam.setAttribute('aria-pressed', String(!!video && !video.enabled));
  mic.textContent = audio && !audio.enabled ? t('unmute') : t('mute');
  cam.textContent = video && !video.enabled ? t('camera_on') : t('camera_off');
  $('local-tile').dataset.muted = String(!!audio && !audio.enabled);
}

function nameOf(id) {
  const j = mt.joined.find((x) => x.id === id);
  return j ? j.name : '';
}

function renderRoom() {
  // Everyone present with their side; people on a party's side are marked as from outside.
  $('room-presence').textContent = t('room_joined', { names: mt.joined.map((j) =>
    `${j.name} · ${t('side_' + j.side)}${j.side === 'neutral' ? '' : ' · ' + t('outsider')}`).join(lang === 'en' ? '; ' : '；') });
  $('room-mode').textContent = t('room_mode', { mode: t('mode_' + mt.mode) });
  $('local-name').textContent = `${state.user.name}（${t('me')}）`;
  // The caucus switch: everyone sees which mode holds; only the mediator changes it.
  for (const b of $('room-caucus').querySelectorAll('button[data-mode]')) {
    b.setAttribute('aria-pressed', String(b.dataset.mode === mt.mode));
    b.disabled = !mt.mediator;
  }
  $('room-caucus-note').textContent = mt.mediator ? '' : t('caucus_by_mediator');
  for (const fig of $('remote-videos').querySelectorAll('figure')) fig.querySelector('figcaption').textContent = nameOf(fig.dataset.peer);
  // The mediator assigns sides: the caucus holds each side apart by them.
  const list = $('room-sides');
  list.hidden = !mt.mediator;
  if (!mt.mediator) return;
  list.replaceChildren();
  for (const j of mt.joined) {
    if (j.id === state.user.id) continue;
    const select = el('select', { 'aria-label': t('side_of', { name: j.name }) });
    for (const side of ['petitioner', 'respondent', 'neutral']) {
      const o = el('option', { value: side, text: t('side_' + side) });
      o.selected = j.side === side;
      select.append(o);
    }
    select.addEventListener('change', () => {
      request({ type: 'meeting.set_side', meeting: mt.meeting.id, user: j.id, side: select.value })
        .catch((e) => { roomError(e); renderRoom(); });
    });
    list.append(el('li', {}, el('label', {}, `${j.name} `, select)));
  }
}

function peerFor(id) {
  let pc = mt.peers.get(id);
  if (pc) return pc;
  pc = new RTCPeerConnection({ iceServers: mt.ice });
  mt.peers.set(id, pc);
  if (mt.stream) for (const track of mt.stream.getTracks()) pc.addTrack(track, mt.stream);
  pc.onicecandidate = (e) => { if (e.candidate) signal(id, { kind: 'candidate', candidate: e.candidate.toJSON() }); };
  pc.ontrack = (e) => {
    let fig = $('remote-videos').querySelector(`figure[data-peer="${CSS.escape(id)}"]`);
    if (!fig) {
      const v = el('video', { autoplay: true, playsinline: true, dataset: { peer: id } });
      fig = el('figure', { className: 'tile', dataset: { peer: id } }, v, el('figcaption', { text: nameOf(id) }));
      $('remote-videos').append(fig);
    }
    fig.querySelector('video').srcObject = e.streams[0];
  };
  return pc;
}

function hangup(id) {
  const pc = mt.peers.get(id);
  if (pc) pc.close();
  mt.peers.delete(id);
  const fig = $('remote-videos').querySelector(`figure[data-peer="${CSS.escape(id)}"]`);
  if (fig) fig.remove();
}

function signal(to, s) {
  if (!mt.meeting) return;
  request({ type: 'meeting.signal', meeting: mt.meeting.id, to, signal: s }).catch(() => {});
}

// Who calls whom: the participant with the higher id offers, so that each pair connects once.
async function connectPeers() {
  if (!mt.inRoom) return;
  for (const j of mt.joined) {
    if (j.id === state.user.id) continue;
    const audible = hears(mt.mode, j.side) && hears(mt.mode, mt.side);
    if (!audible) { hangup(j.id); continue; }
    if (mt.peers.has(j.id) || !offersTo(state.user.id, j.id)) continue;
    const pc = peerFor(j.id);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    signal(j.id, { kind: 'offer', sdp: offer.sdp });
  }
  for (const id of [...mt.peers.keys()]) if (!mt.joined.some((j) => j.id === id)) hangup(id);
}

async function onRoomFrame(f) {
  if (!mt.meeting || f.meeting !== mt.meeting.id) return;
  if (f.type === 'room' && f.kind === 'presence') {
    mt.joined = f.joined;
    mt.mode = f.mode;
    const me = f.joined.find((j) => j.id === state.user.id);
    if (me) mt.side = me.side;
    renderRoom();
    await connectPeers();
    return;
  }
  if (f.type === 'room' && f.kind === 'caucus') { mt.mode = f.mode; renderRoom(); await connectPeers(); return; }
  if (f.type === 'room' && f.kind === 'removed') {
    // Access to the meeting was lost (a revoked invitation, a lost case): the room closes.
    await leave();
    $('dlg-room').close();
    bus.emit('status', t('room_removed'));
    return;
  }
  if (f.type === 'room' && f.kind === 'message') {
    $('room-chat').append(el('li', {}, el('strong', { text: f.from.name + '：' }), f.body));
    $('room-chat').scrollTop = $('room-chat').scrollHeight;
    return;
  }
  if (f.type !== 'signal') return;
  const from = f.from.id, s = f.signal;
  if (s.kind === 'hangup') { hangup(from); return; }
  const pc = peerFor(from);
  if (s.kind === 'offer') {
    await pc.setRemoteDescription({ type: 'offer', sdp: s.sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    signal(from, { kind: 'answer', sdp: answer.sdp });
  } else if (s.kind === 'answer') {
    await pc.setRemoteDescription({ type: 'answer', sdp: s.sdp });
  } else if (s.kind === 'candidate') {
    await pc.addIceCandidate(s.candidate).catch(() => {});
  }
}

function say() {
  const body = $('room-say').value.trim();
  if (!body || !mt.inRoom) return;
  request({ type: 'meeting.say', meeting: mt.meeting.id, body })
    .then(() => { $('room-say').value = ''; })
    .catch(roomError);
}

export function installMeetingRoom() {
  bus.on('room', (f) => { onRoomFrame(f).catch(() => {}); });
  $('room-enter').addEventListener('click', enter);
  $('room-caucus').addEventListener('click', (e) => {
    const mode = e.target.dataset.mode;
    if (mode && mt.mediator) request({ type: 'meeting.caucus', meeting: mt.meeting.id, mode }).catch(roomError);
  });
  $('room-mic').addEventListener('click', () => {
    const a = mt.stream && mt.stream.getAudioTracks()[0];
    if (a) a.enabled = !a.enabled;
    renderControls();
  });
  $('room-cam').addEventListener('click', () => {
    const v = mt.stream && mt.stream.getVideoTracks()[0];
    if (v) v.enabled = !v.enabled;
    renderControls();
  });
  $('room-send').addEventListener('click', say);
  $('room-say').addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing) return;
    ev.preventDefault();  // Enter sends the message; leaving the meeting is the button's alone
    say();
  });
  $('room-leave').addEventListener('click', () => $('dlg-room').close());
  // In the room, Escape does not leave the meeting (only the button does); in the preview it closes.
  $('dlg-room').addEventListener('cancel', (ev) => { if (mt.inRoom) ev.preventDefault(); });
  // Signed out (an invitation revoked, a meeting cancelled, a session ended): the room closes and
  // the camera and microphone are turned off, with the reason said.
  bus.on('signed-out', () => {
    if (!mt.meeting) return;
    leave();
    $('dlg-room').close();
  });
  // Closing the room (the button, Escape) leaves it and turns the camera off; the address goes back.
  $('dlg-room').addEventListener('close', () => {
    leave();
    if (/^#\/meetings\//.test(location.hash)) navigate({ view: 'calendar' }, { replace: true });
  });
  bus.on('language', () => { if (mt.meeting) { renderControls(); if (mt.inRoom) renderRoom(); } });
  // After a reconnect the server has forgotten this socket's presence: join again.
  bus.on('user', () => { if (mt.inRoom && mt.meeting) request({ type: 'meeting.join', meeting: mt.meeting.id }).catch(roomError); });
}
