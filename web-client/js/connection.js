// One WebSocket to the server (protocol/README.md): requests by rid, events, room frames and notices
// announced as events, automatic reconnect with back-off. Emits: state (connecting | online |
// offline), ready (user, network) after each successful auth, auth-failed, event, room, notice.
import { Emitter } from './emitter.js';

export class Connection extends Emitter {
  constructor(token) {
    super();
    this.token = token;
    this.pending = new Map();  // rid -> {resolve, reject}
    this.nextRid = 1;
    this.retry = 0;
    this.closedByUser = false;
  }

  open() {
    this.emit('state', 'connecting');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    this.ws = ws;
    ws.onopen = async () => {
      try {
        const r = await this.request({ type: 'auth', token: this.token });
        this.retry = 0;
        this.emit('state', 'online');
        this.emit('ready', r.user, r.network);
      } catch (e) {
        if (e.code === 'unauthenticated') { this.closedByUser = true; ws.close(); this.emit('auth-failed'); }
      }
    };
    ws.onmessage = (m) => {
      let f;
      try { f = JSON.parse(m.data); } catch { return; }
      if (f.type === 'event') { this.emit('event', f); return; }
      if (f.type === 'room' || f.type === 'signal') { this.emit('room', f); return; }
      if (f.type === 'notice') { this.emit('notice', f); return; }
      const p = this.pending.get(f.rid);
      if (!p) return;
      this.pending.delete(f.rid);
      if (f.type === 'ok') p.resolve(f);
      else p.reject(Object.assign(new Error(f.message), { code: f.code, field: f.field }));
    };
    ws.onclose = () => {
      for (const p of this.pending.values()) p.reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
      this.pending.clear();
      if (this.closedByUser) return;
      this.emit('state', 'offline');
      const delay = Math.min(10000, 300 * 2 ** this.retry++) + Math.random() * 300;
      setTimeout(() => this.open(), delay);
    };
  }

  request(frame) {
    const rid = String(this.nextRid++);
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(Object.assign(new Error('disconnected'), { code: 'disconnected' }));
        return;
      }
      this.pending.set(rid, { resolve, reject });
      this.ws.send(JSON.stringify({ ...frame, rid }));
    });
  }

  close() { this.closedByUser = true; if (this.ws) this.ws.close(); }
}
