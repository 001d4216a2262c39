// Renders an agreement's content as readable text (used by the signing page and the case room).
export const AgreementView = {
  labels: {
    zh: { petitioner: '申请人', respondent: '被申请人', third_party: '第三人', agent: '代理人', facts: '纠纷主要事实',
          disputes: '争议事项', responsibilities: '各方责任', terms: '协议条款', way: '履行方式', place: '履行地点',
          deadline: '履行期限', mediators: '调解员', organisation: '调解组织', title: '人民调解协议书' },
    en: { petitioner: 'Petitioner', respondent: 'Respondent', third_party: 'Third party', agent: 'Agent',
          facts: 'Facts', disputes: 'Points in dispute', responsibilities: 'Responsibilities', terms: 'Terms',
          way: 'way', place: 'place', deadline: 'by', mediators: 'Mediators', organisation: 'Mediation organisation',
          title: 'Mediation agreement' },
  },
  render(root, number, c, lang) {
    const L = this.labels[lang] || this.labels.zh;
    root.replaceChildren();
    const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
    root.append(el('h2', `${L.title} ${number || ''}`));
    for (const p of c.parties || []) root.append(el('p', `${L[p.role] || p.role}：${p.name}` + (p.id_number ? ` · ${p.id_number}` : '')));
    root.append(el('h3', L.facts), el('p', c.facts || ''));
    root.append(el('h3', L.disputes));
    const d = el('ol'); for (const x of c.disputes || []) d.append(el('li', x)); root.append(d);
    if ((c.responsibilities || []).length) {
      root.append(el('h3', L.responsibilities));
      for (const r of c.responsibilities) root.append(el('p', `${(c.parties[r.party] || {}).name}：${r.text}`));
    }
    root.append(el('h3', L.terms));
    const t = el('ol');
    for (const x of c.terms || []) t.append(el('li', `${x.text}（${L.way}：${x.way}；${L.place}：${x.place}；${L.deadline}：${x.deadline}）`));
    root.append(t);
    root.append(el('p', `${L.mediators}：${(c.mediators || []).join('、')}`), el('p', `${L.organisation}：${c.organisation || ''}`));
  },
};
