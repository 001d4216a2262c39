// The Node.js peer of the benchmarks: what most teams would reach for, a room server on the `ws`
// package. It speaks the same frames as Mediation Network for auth, subscribe, post and typing,
// numbers each room's messages like the real server does, and stores nothing.
// Usage: node server.mjs [port]   (prints "listening on 127.0.0.1:PORT")
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] || 0);
const rooms = new Map();  // room -> {seq, members: Set<ws>}
const user = { id: '1', username: 'peer', name: 'peer', role: 'mediator', org: { id: '1', name: 'peer', kind: 'mediation_room', level: 'community' } };

function room(name) {
  let r = rooms.get(name);
  if (!r) { r = { seq: 0, members: new Set() }; rooms.set(name, r); }
  return r;
}

const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', maxPayload: 1 << 20 });
wss.on('listening', () => console.log(`listening on 127.0.0.1:${wss.address().port}`));
wss.on('connection', (ws) => {
  ws.rooms = new Set();
  ws.on('message', (data) => {
    let f;
    try { f = JSON.parse(data); } catch { return; }
    const reply = (o) => ws.send(JSON.stringify({ type: 'ok', rid: f.rid, ...o }));
    switch (f.type) {
      case 'auth': return reply({ user });
      case 'subscribe': {
        const r = room(String(f.thread));
        r.members.add(ws);
        ws.rooms.add(r);
        return reply({ thread: String(f.thread), head: r.seq });
      }
      case 'post': {
        const r = room(String(f.thread));
        const seq = ++r.seq;
        const frame = JSON.stringify({ type: 'event', thread: String(f.thread), seq, kind: 'message',
          at: new Date().toISOString(), author: { id: user.id, name: user.name }, data: { body: f.body, cmid: f.cmid } });
        reply({ thread: String(f.thread), seq });
        for (const m of r.members) m.send(frame);
        return;
      }
      case 'typing': {
        const r = room(String(f.thread));
        const frame = JSON.stringify({ type: 'event', thread: String(f.thread), kind: 'typing',
          at: new Date().toISOString(), author: { id: user.id, name: user.name }, data: {} });
        for (const m of r.members) if (m !== ws) m.send(frame);
        return reply({ thread: String(f.thread) });
      }
      default:
        return ws.send(JSON.stringify({ type: 'error', rid: f.rid ?? null, code: 'unknown_type', message: 'unknown type' }));
    }
  });
  ws.on('close', () => { for (const r of ws.rooms) r.members.delete(ws); });
});
