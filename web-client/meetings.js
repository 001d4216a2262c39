// Joint sessions in the browser: scheduling from the case room, the person's calendar with answers
// and calendar export, and the live room with presence, caucus, room chat and audio/video (WebRTC,
// signaling through the server).
'use strict';

const mt = { meeting: null, side: 'neutral', mode: 'joint', joined: [], peers: new Map(), stream: null, ice: [] };

function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

async function scheduleMeeting() {
  const users = await state.conn.request({ type: 'users.list' });
  runDialog('dlg-meeting', (f) => {
    f.people.replaceChildren();
    for (const u of users.users) {
      if (u.id === state.user.id) continue;
      const o = document.createElement('option');
      o.value = u.id;
      o.textContent = `${u.name} · ${t('role_' + u.role)} · ${u.org.name}`;
      f.people.append(o);
    }
    f.title.value = state.current.title;
    const soon = new Date(Date.now() + 3600000);
    soon.setMinutes(0, 0, 0);
    f.start.value = localInput(soon);
    $('mt-conflicts').textContent = '';
    $('mt-slots').textContent = '';
  }, async (f) => {
    const start = new Date(f.start.value);
    const end = new Date(start.getTime() + Number(f.minutes.value) * 60000);
    // Staff picked from the directory take part as neutrals (the organiser's choice); an external
    // person is always on a party's side.
    const participants = [...f.people.selectedOptions].map((o) => ({ user: o.value, side: 'neutral' }));
    if (f.ext_name.value.trim())
      participants.push({ name: f.ext_name.value.trim(), phone: f.ext_phone.value.trim(), side: f.ext_side.value });
    if (!participants.length) throw new Error(t('mt_people'));
    const r = await state.conn.request({ type: 'meeting.schedule', case: state.current.id, title: f.title.value.trim(),
      start: start.toISOString(), end: end.toISOString(), place: f.place.value, remote: f.remote.checked, participants });
    if (r.conflicts.length)
      alert(t('mt_conflicts', { list: r.conflicts.map((c) => `${c.participant.name}「${c.meeting.title || t('busy')}」${c.meeting.local_start.slice(0, 16)}`).join('；') }));
  });
}

async function suggestTimes() {
  const f = $('dlg-meeting').querySelector('form');
  const people = [...f.people.selectedOptions].map((o) => o.value).concat([state.user.id]);
  const r = await state.conn.request({ type: 'meeting.suggest', participants: people, duration_minutes: Number(f.minutes.value) });
  const box = $('mt-slots');
  box.replaceChildren();
  for (const s of r.slots) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.textContent = s.local_start.slice(5, 16).replace('T', ' ');
    b.addEventListener('click', () => { f.start.value = localInput(new Date(s.start)); });
    box.append(b);
  }
}

// ---- the calendar -------------------------------------------------------------------------------------

let calendarDays = 7;

async function openCalendar(days) {
  if (days) calendarDays = days;
  const from = new Date();
  from.setHours(0, 0, 0, 0);
  const to = new Date(from.getTime() + calendarDays * 86400000);
  const r = await state.conn.request({ type: 'meeting.list', from: from.toISOString(), to: to.toISOString() });
  const box = $('cal-days');
  box.replaceChildren();
  if (!r.meetings.length) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = t('cal_none');
    box.append(p);
  }
  let day = '';
  for (const m of r.meetings) {
    const d = m.local_start.slice(0, 10);
    if (d !== day) {
      day = d;
      const h = document.createElement('h3');
      h.textContent = d;
      box.append(h);
    }
    box.append(meetingItem(m));
  }
  const dlg = $('dlg-calendar');
  if (!dlg.open) dlg.showModal();
}

function meetingItem(m) {
  const div = document.createElement('div');
  div.className = 'meeting-item';
  div.dataset.meetingId = m.id;
  const me = m.participants.find((p) => p.user === state.user.id);
  const title = document.createElement('strong');
  title.textContent = `${m.local_start.slice(11, 16)}–${m.local_end.slice(11, 16)} ${m.title}`;
  const meta = document.createElement('p');
  meta.className = 'small muted';
  meta.textContent = [m.place, m.status === 'cancelled' ? t('cancelled_mt') : '', m.required_declined ? t('required_declined') : '',
    // People on a party's side are marked with it; staff (neutral) are not.
    m.participants.map((p) => `${p.name}（${p.side === 'neutral' ? '' : t('side_' + p.side) + '，'}${t('ans_' + p.answer)}）`).join('、')].filter(Boolean).join(' · ');
  div.append(title, meta);
  const acts = document.createElement('div');
  acts.className = 'actions wrap';
  const button = (label, fn) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', () => fn().catch((e) => { $('dlg-calendar').querySelector('.error').textContent = errText(e); }));
    acts.append(b);
  };
  if (me && m.status === 'scheduled' && m.organiser.id !== state.user.id)
    for (const answer of ['accepted', 'tentative', 'declined'])
      button(t('rsvp_' + answer), async () => {
        await state.conn.request({ type: 'meeting.respond', meeting: m.id, answer });
        await openCalendar();
      });
  button(t('ics'), async () => {
    const r = await fetch(m.ics, { headers: { Authorization: 'Bearer ' + state.token } });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([await r.text()], { type: 'text/calendar' }));
    a.download = `meeting-${m.id}.ics`;
    a.click();
  });
  if (m.remote && m.status === 'scheduled') button(t('join'), () => joinMeeting(m));
  if (m.organiser.id === state.user.id && m.status === 'scheduled') {
    // A guest is always on one party's side: one button per side.
    for (const side of ['petitioner', 'respondent'])
      button(t('mt_invite_' + side), async () => {
        const name = prompt(t('mt_invite_name'));
        if (!name) return;
        const r = await state.conn.request({ type: 'meeting.invite_guest', meeting: m.id, name, side });
        $('dlg-calendar').querySelector('.error').textContent = t('mt_invite_link', { url: location.origin + r.url });
      });
    button(t('mt_cancel'), async () => {
      const reason = prompt(t('reason'));
      if (!reason) return;
      if (!confirm(t('confirm_cancel', { title: m.title }))) return;  // cannot be undone
      await state.conn.request({ type: 'meeting.cancel', meeting: m.id, reason });
      await openCalendar();
    });
  }
  div.append(acts);
  return div;
}

// ---- the live room ----------------------------------------------------------------------------------

const hears = ClientLogic.hears;

async function joinMeeting(m) {
  $('dlg-calendar').close();
  mt.meeting = m;
  $('room-title-live').textContent = m.title;
  $('room-chat').replaceChildren();
  $('remote-videos').replaceChildren();
  $('dlg-room').querySelector('.error').textContent = '';
  try {
    mt.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    $('local-video').srcObject = mt.stream;
  } catch (e) {
    mt.stream = null;  // no camera or refused: the room still works for chat and listening
    $('dlg-room').querySelector('.error').textContent = errText(e);
  }
  const r = await state.conn.request({ type: 'meeting.join', meeting: m.id });
  mt.side = r.side;
  mt.mode = r.mode;
  mt.ice = r.ice_servers;
  const mediator = ['mediator', 'committee_mediator', 'petition_officer', 'leader'].includes(state.user.role) && r.side === 'neutral';
  mt.mediator = mediator;
  $('room-caucus').hidden = !mediator;
  $('dlg-room').showModal();
}

async function leaveMeeting() {
  if (!mt.meeting) return;
  const id = mt.meeting.id;
  for (const peer of mt.peers.keys()) hangup(peer);
  if (mt.stream) mt.stream.getTracks().forEach((tr) => tr.stop());
  mt.meeting = null;
  await state.conn.request({ type: 'meeting.leave', meeting: id }).catch(() => {});
}

function renderRoom() {
  // Everyone present with their side; people on a party's side are marked as from outside.
  $('room-presence').textContent = t('room_joined', { names: mt.joined.map((j) =>
    `${j.name}（${t('side_' + j.side)}${j.side === 'neutral' ? '' : '，' + t('outsider')}）`).join('、') });
  $('room-mode').textContent = t('room_mode', { mode: t('mode_' + mt.mode) });
  // The mediator assigns sides: the caucus holds each side apart by them.
  const list = $('room-sides');
  list.hidden = !mt.mediator;
  if (!mt.mediator) return;
  list.replaceChildren();
  for (const j of mt.joined) {
    if (j.id === state.user.id) continue;
    const li = document.createElement('li');
    const label = document.createElement('label');
    label.append(`${j.name} `);
    const select = document.createElement('select');
    for (const side of ['petitioner', 'respondent', 'neutral']) {
      const o = document.createElement('option');
      o.value = side;
      o.textContent = t('side_' + side);
      o.selected = j.side === side;
      select.append(o);
    }
    select.addEventListener('change', () => {
      state.conn.request({ type: 'meeting.set_side', meeting: mt.meeting.id, user: j.id, side: select.value })
        .catch((e) => { $('dlg-room').querySelector('.error').textContent = errText(e); renderRoom(); });
    });
    label.append(select);
    li.append(label);
    list.append(li);
  }
}

function peerFor(id) {
  let pc = mt.peers.get(id);
  if (pc) return pc;
  pc = new RTCPeerConnection({ iceServers: mt.ice });
  mt.peers.set(id, pc);
  if (mt.stream) for (const track of mt.stream.getTracks()) pc.addTrack(track, mt.stream);
  pc.onicecandidate = (e) => {
    if (e.candidate) signal(id, { kind: 'candidate', candidate: e.candidate.toJSON() });
  };
  pc.ontrack = (e) => {
    let v = document.querySelector(`#remote-videos video[data-peer="${id}"]`);
    if (!v) {
      v = document.createElement('video');
      v.autoplay = true;
      v.playsInline = true;
      v.dataset.peer = id;
      $('remote-videos').append(v);
    }
    v.srcObject = e.streams[0];
  };
  return pc;
}

function hangup(id) {
  const pc = mt.peers.get(id);
  if (pc) pc.close();
  mt.peers.delete(id);
  const v = document.querySelector(`#remote-videos video[data-peer="${id}"]`);
  if (v) v.remove();
}

function signal(to, s) {
  if (!mt.meeting) return;
  state.conn.request({ type: 'meeting.signal', meeting: mt.meeting.id, to, signal: s }).catch(() => {});
}

// Who calls whom: the participant with the higher id offers, so that each pair connects once.
async function connectPeers() {
  if (!mt.meeting) return;
  for (const j of mt.joined) {
    if (j.id === state.user.id) continue;
    const audible = hears(mt.mode, j.side) && hears(mt.mode, mt.side);
    if (!audible) { hangup(j.id); continue; }
    if (mt.peers.has(j.id) || !ClientLogic.offersTo(state.user.id, j.id)) continue;
    const pc = peerFor(j.id);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    signal(j.id, { kind: 'offer', sdp: offer.sdp });
  }
  for (const id of [...mt.peers.keys()]) if (!mt.joined.some((j) => j.id === id)) hangup(id);
}

window.onRoomFrame = async (f) => {
  if (!mt.meeting || f.meeting !== mt.meeting.id) return;
  if (f.type === 'room' && f.kind === 'presence') { mt.joined = f.joined; mt.mode = f.mode; renderRoom(); await connectPeers(); return; }
  if (f.type === 'room' && f.kind === 'caucus') { mt.mode = f.mode; renderRoom(); await connectPeers(); return; }
  if (f.type === 'room' && f.kind === 'removed') {
    // Access to the meeting was lost (a revoked invitation, a lost case): the room closes.
    await leaveMeeting();
    $('dlg-room').close();
    alert(t('room_removed'));
    return;
  }
  if (f.type === 'room' && f.kind === 'message') {
    const li = document.createElement('li');
    li.textContent = `${f.from.name}：${f.body}`;
    $('room-chat').append(li);
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
};

$('act-meeting').addEventListener('click', () => scheduleMeeting().catch((e) => alert(errText(e))));
$('mt-suggest').addEventListener('click', () => suggestTimes().catch((e) => { $('mt-slots').textContent = errText(e); }));
$('open-calendar').addEventListener('click', () => openCalendar().catch((e) => alert(errText(e))));
$('cal-week').addEventListener('click', () => openCalendar(7));
$('cal-month').addEventListener('click', () => openCalendar(31));
$('cal-feed').addEventListener('click', async () => {
  const r = await state.conn.request({ type: 'calendar.feed' });
  $('cal-feed-url').textContent = location.origin + r.url;
});
$('room-caucus').addEventListener('click', (e) => {
  const mode = e.target.dataset.mode;
  if (mode) state.conn.request({ type: 'meeting.caucus', meeting: mt.meeting.id, mode }).catch((err) => alert(errText(err)));
});
$('room-send').addEventListener('click', () => {
  const body = $('room-say').value.trim();
  if (!body || !mt.meeting) return;
  state.conn.request({ type: 'meeting.say', meeting: mt.meeting.id, body })
    .then(() => { $('room-say').value = ''; })
    .catch((e) => { $('dlg-room').querySelector('.error').textContent = errText(e); });
});
$('room-say').addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing) return;
  ev.preventDefault();  // Enter sends the message; leaving the meeting is the button's alone
  $('room-send').click();
});
$('dlg-room').addEventListener('close', () => { leaveMeeting(); });
